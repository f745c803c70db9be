package io.scorecam.server.stream;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.Method;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.lifecycle.JitQuiet;
import io.scorecam.server.lifecycle.Readiness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JIT-aware warm-up phase on a real server: while a fake JIT is busy the server keeps sending warm-up
 * frames through its port with health NOT_SERVING and the progress in the reason, then turns SERVING; a JIT
 * busy forever ends at the cap; --warmup-jit-max-ms=0 skips the phase.
 */
class JitWarmUpTest {
    private static final String REASON = "warming up until the JIT is quiet";
    private static final long WINDOW_MS = 150;

    /** A compile-time source that grows by far more than any quiet share on its first {@code busyReads} reads, then stays. */
    private static final class FakeJit implements JitQuiet.CompileTime {
        final AtomicInteger reads = new AtomicInteger();
        final int busyReads;
        long total;

        FakeJit(int busyReads) {
            this.busyReads = busyReads;
        }

        @Override
        public synchronized long totalMillis() {
            if (reads.getAndIncrement() < busyReads) {
                total += WINDOW_MS * 64; // 64 cores' worth of compiling: busy on any machine
            }
            return total;
        }
    }

    private static final class Started implements AutoCloseable {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final Readiness readiness;
        final ScoreCamServer server;
        final ManagedChannel channel;
        final List<String> healthSeen = new CopyOnWriteArrayList<>();
        final ControllableExplainer controllable = new ControllableExplainer();

        Started(FakeJit jit, String... flags) throws Exception {
            this(jit, null, new Readiness(), flags);
        }

        Started(FakeJit jit, Explainer explainer, Readiness readiness, String... flags)
                throws Exception {
            this.readiness = readiness;
            List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                    "--codec-threads=2", "--warmup-transport-percent=50"));
            args.addAll(List.of(flags));
            ServerConfig config = ServerConfig.parse(args.toArray(String[]::new));
            server = ScoreCamServer.listen(config, new TestMapEncoder(), registry, readiness)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            server.jitSource(jit, WINDOW_MS);
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            controllable.delayMs = 2;
            try (HealthPoller poller = new HealthPoller(channel, readiness, healthSeen)) {
                server.serve(explainer == null ? controllable : explainer, 400).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }

        double transportFrames() {
            Counter c = registry.find("scorecam.warmup.frames").tags("path", "transport").counter();
            return c == null ? 0 : c.count();
        }

        @Override
        public void close() throws Exception {
            channel.shutdownNow();
            server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void notServingWhileTheJitIsBusyThenServing() throws Exception {
        // reads: whether it is measurable, the start, then one per window; the first 5 grow, so the probe window
        // (in process) and two windows through the port are busy, the third is quiet
        FakeJit jit = new FakeJit(5);
        try (Started s = new Started(jit, "--warmup-jit-max-ms=30000")) {
            assertTrue(s.readiness.isServing(), s.readiness.state().toString());
            assertTrue(s.readiness.state().reason().contains("JIT quiet"), s.readiness.state().reason());
            assertTrue(s.healthSeen.stream().anyMatch(h -> h.startsWith("NOT_SERVING " + REASON + ": compiling ")),
                    "health while the JIT was busy: " + s.healthSeen);
            assertTrue(s.healthSeen.stream().noneMatch(h -> h.startsWith("SERVING " + REASON)), s.healthSeen.toString());
            // measurable? + start + probe window + 2 busy windows through the port + the quiet one, then no more
            assertEquals(6, jit.reads.get());
            assertTrue(s.transportFrames() > 0, "frames through the port: " + s.transportFrames());
            int reads = jit.reads.get();
            Thread.sleep(3 * WINDOW_MS);
            assertEquals(reads, jit.reads.get(), "no window after SERVING");
        }
    }

    @Test
    void aJitBusyForeverStopsAtTheCap() throws Exception {
        FakeJit jit = new FakeJit(Integer.MAX_VALUE);
        long t0 = System.nanoTime();
        try (Started s = new Started(jit, "--warmup-jit-max-ms=" + 4 * WINDOW_MS)) {
            long servedNanos = System.nanoTime() - t0;
            assertTrue(s.readiness.isServing(), s.readiness.state().toString());
            assertTrue(s.readiness.state().reason().contains("JIT still busy at the cap after 0.6 s"),
                    s.readiness.state().reason());
            assertTrue(s.healthSeen.stream().anyMatch(h -> h.startsWith("NOT_SERVING " + REASON)), s.healthSeen.toString());
            // windows of at most 150 ms up to the 600-ms cap: at most measurable? + start + 4 checks
            assertTrue(jit.reads.get() <= 6, "reads " + jit.reads.get());
            assertTrue(servedNanos > TimeUnit.MILLISECONDS.toNanos(400 + 4 * WINDOW_MS), "served before the cap");
            int reads = jit.reads.get();
            Thread.sleep(3 * WINDOW_MS);
            assertEquals(reads, jit.reads.get(), "no window after the cap");
        }
    }

    /**
     * One engine queue, as in the real engine: frames run one after another, SS_CAM and IS_CAM for 800 ms (cut
     * when cancelled), the rest for 2 ms. The fixed warm-up's two-lane first round makes the fast pairs wait behind
     * a slow one, so it calls them slow; the JIT phase judges each pair alone and then sends the fast ones,
     * RECIPRO_CAM among them, through the port.
     */
    private static final class OneQueueExplainer implements Explainer {
        final ControllableExplainer models = new ControllableExplainer();
        final ExecutorService queue = Executors.newSingleThreadExecutor();
        final AtomicInteger inFlight = new AtomicInteger();
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile Supplier<String> phase = () -> "";

        @Override
        public CompletableFuture<FrameResult> explain(FrameRequest r) {
            seen.add(phase.get() + " " + r.method() + " in_flight=" + inFlight.incrementAndGet());
            boolean slow = r.method() == Method.SS_CAM || r.method() == Method.IS_CAM;
            return CompletableFuture.supplyAsync(() -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(slow ? 800 : 2);
                while (System.nanoTime() < end && !r.cancellation().isCancelled()) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (r.cancellation().isCancelled()) {
                    throw new ScoreCamException(ErrorCode.CANCELLED, "cancelled");
                }
                return ControllableExplainer.result(r);
            }, queue).whenComplete((x, e) -> inFlight.decrementAndGet());
        }

        @Override
        public List<ModelDescription> models() {
            return models.models();
        }

        @Override
        public int queuedItems() {
            return inFlight.get();
        }

        @Override
        public void close() {
            queue.shutdownNow();
            models.close();
        }
    }

    @Test
    void theJitPhaseJudgesEachPairAloneAndSendsTheFastOnesThroughThePort() throws Exception {
        OneQueueExplainer explainer = new OneQueueExplainer();
        FakeJit jit = new FakeJit(5); // the probe window and two windows through the port are busy
        Readiness readiness = new Readiness();
        explainer.phase = () -> readiness.state().reason();
        try (Started s = new Started(jit, explainer, readiness, "--warmup-jit-max-ms=30000")) {
            assertTrue(s.readiness.isServing(), s.readiness.state().toString());
        }
        List<String> probe = explainer.seen.stream().filter(x -> x.startsWith(REASON + ": first window")).toList();
        List<String> port = explainer.seen.stream().filter(x -> x.startsWith(REASON + ": compiling")).toList();
        assertTrue(probe.stream().allMatch(x -> x.endsWith("in_flight=1")), "probe frames one at a time: " + probe);
        assertTrue(probe.stream().anyMatch(x -> x.contains(" SCORE_CAM ")), "exact SCORE_CAM tried: " + probe);
        assertTrue(port.stream().anyMatch(x -> x.contains(" RECIPRO_CAM ")), "RECIPRO_CAM through the port: " + port);
        assertTrue(port.stream().noneMatch(x -> x.contains(" SS_CAM ") || x.contains(" IS_CAM ")), port.toString());
    }

    @Test
    void offSkipsThePhase() throws Exception {
        FakeJit jit = new FakeJit(Integer.MAX_VALUE);
        try (Started s = new Started(jit, "--warmup-jit-max-ms=0")) {
            assertTrue(s.readiness.isServing());
            assertTrue(s.healthSeen.stream().noneMatch(h -> h.contains(REASON)), s.healthSeen.toString());
            assertTrue(jit.reads.get() <= 1, "reads " + jit.reads.get());
        }
    }
}
