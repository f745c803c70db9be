package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.server.lifecycle.JitQuiet;
import io.scorecam.server.lifecycle.Readiness;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The start-up warm-up's last phase: after --warmup-ms, warm-up frames keep going one JIT window at a time while
 * the JIT compilers are busy, for at most --warmup-jit-max-ms ({@link JitQuiet}). A fixed 3-s warm-up left the
 * first client seconds at 0.43-0.68 of warm speed on MobileNetV2 (the JIT compiles for tens of seconds under
 * load); a 60-s one through the port reached 0.87-0.95. The first window runs in process again: the fixed
 * warm-up judged the pairs on a cold JVM with a frame cap of --warmup-ms over the pairs, which on MobileNetV2
 * left only EIGEN_CAM fast enough to repeat, so the port would never see the live methods; warm, they pass.
 * The later windows send the pairs it found fast through the gRPC port (the whole frame path, transport
 * included). Health stays NOT_SERVING with the progress in its reason. Never fails: a failing window ends it.
 */
final class JitWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(JitWarmUp.class);
    static final String REASON = "warming up until the JIT is quiet: ";

    private final WarmUp inProcess;
    private final long frameCapBudgetMs;
    private final TransportWarmUp transport;
    private final Readiness readiness;
    private final ServerMetrics metrics;
    private int frames;

    /**
     * @param inProcess        a fresh in-process warm-up of the models (its readiness is not the server's)
     * @param frameCapBudgetMs as for {@link WarmUp#run(long, long)}: its frames are cut at this over the pairs
     */
    JitWarmUp(WarmUp inProcess, long frameCapBudgetMs, TransportWarmUp transport, Readiness readiness,
              ServerMetrics metrics) {
        this.inProcess = inProcess;
        this.frameCapBudgetMs = frameCapBudgetMs;
        this.transport = transport;
        this.readiness = readiness;
        this.metrics = metrics;
    }

    /** Completes with the last window's verdict (null when it did not run) once the JIT is quiet or the cap is hit. */
    Future<JitQuiet.Check> run(JitQuiet jit) {
        if (jit.off() || !starting()) {
            return Future.succeededFuture(null);
        }
        jit.start();
        readiness.starting(REASON + "first window in process, " + jit.nextWindowMillis() + " ms");
        long start = System.nanoTime();
        return Future.fromCompletionStage(inProcess.run(Math.max(1, jit.nextWindowMillis()), frameCapBudgetMs))
                .compose(v -> {
                    metrics.warmUpFrames("in_process", inProcess.answered());
                    frames += inProcess.answered();
                    return next(inProcess.fastPairs(), jit, jit.check());
                })
                .onSuccess(last -> LOG.info("JIT-aware warm-up: {}, {} frame(s) over {} pair(s) in {} ms",
                        last.describe(), frames, inProcess.fastPairs().size(), (System.nanoTime() - start) / 1_000_000));
    }

    private Future<JitQuiet.Check> next(List<ExplainRequest.Builder> pairs, JitQuiet jit, JitQuiet.Check check) {
        if (check.done() || !starting() || pairs.isEmpty()) {
            return Future.succeededFuture(check);
        }
        readiness.starting(REASON + check.progress());
        return transport.run(pairs, Math.max(1, jit.nextWindowMillis()), false).compose(r -> {
            frames += r.frames();
            metrics.warmUpFrames("transport", r.frames());
            JitQuiet.Check after = jit.check();
            if (r.failure() != null) {
                LOG.warn("JIT-aware warm-up stopped after {} frame(s), serving anyway: {}", frames, r.failure());
                return Future.succeededFuture(after);
            }
            return next(pairs, jit, after);
        });
    }

    private boolean starting() {
        return readiness.state().phase() == Readiness.Phase.STARTING;
    }
}
