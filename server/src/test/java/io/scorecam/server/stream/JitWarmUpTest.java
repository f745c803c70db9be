package io.scorecam.server.stream;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.lifecycle.JitQuiet;
import io.scorecam.server.lifecycle.Readiness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
        final Readiness readiness = new Readiness();
        final ScoreCamServer server;
        final ManagedChannel channel;
        final List<String> healthSeen = new CopyOnWriteArrayList<>();
        final ControllableExplainer explainer = new ControllableExplainer();

        Started(FakeJit jit, String... flags) throws Exception {
            List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                    "--codec-threads=2", "--warmup-transport-percent=50"));
            args.addAll(List.of(flags));
            ServerConfig config = ServerConfig.parse(args.toArray(String[]::new));
            server = ScoreCamServer.listen(config, new TestMapEncoder(), registry, readiness)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            server.jitSource(jit, WINDOW_MS);
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            explainer.delayMs = 2;
            AtomicBoolean polling = new AtomicBoolean(true);
            Thread poller = new Thread(() -> {
                var health = HealthGrpc.newBlockingStub(channel);
                while (polling.get()) {
                    String reason = readiness.state().reason();
                    ServingStatus s = health.withDeadlineAfter(2, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.newBuilder().setService("scorecam.v1.ExplainService").build())
                            .getStatus();
                    if (readiness.state().reason().equals(reason)) { // the answer belongs to that state
                        healthSeen.add(s + " " + reason);
                    }
                }
            });
            poller.setDaemon(true);
            poller.start();
            try {
                server.serve(explainer, 400).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                polling.set(false);
                poller.join(5_000);
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
