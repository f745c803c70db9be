package io.scorecam.server.stream;

import io.grpc.Metadata;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.lifecycle.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.scorecam.server.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The load-time warm-up through the gRPC port ({@link TransportWarmUp}): it sends frames through the port while
 * health is NOT_SERVING, before SERVING; its frames count in no client series; a failing or hanging one
 * does not stop the server; and nobody gets past the starting gate with a forged warm-up header.
 */
class TransportWarmUpTest {
    private static final String TRANSPORT = "warming up the transport";

    /** The controllable explainer, with a hook on every frame (which may replace its answer). */
    private static final class HookedExplainer implements Explainer {
        final ControllableExplainer inner = new ControllableExplainer();
        final AtomicInteger frames = new AtomicInteger();
        volatile Function<FrameRequest, CompletableFuture<FrameResult>> hook = r -> null;

        @Override
        public CompletableFuture<FrameResult> explain(FrameRequest request) {
            frames.incrementAndGet();
            CompletableFuture<FrameResult> replaced = hook.apply(request);
            return replaced != null ? replaced : inner.explain(request);
        }

        @Override
        public List<ModelDescription> models() {
            return inner.models();
        }

        @Override
        public int queuedItems() {
            return inner.queuedItems();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** A server that listens, then serves the explainer with the given warm-up; health is polled all along. */
    private static final class Started implements AutoCloseable {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final Readiness readiness;
        final ScoreCamServer server;
        final ManagedChannel channel;
        /** Health answers with the readiness reason at the time, while the warm-up ran. */
        final List<String> healthSeen = new CopyOnWriteArrayList<>();
        final long serveMs;

        Started(HookedExplainer explainer, long warmupMs, String... flags) throws Exception {
            this(explainer, new Readiness(), warmupMs, flags);
        }

        Started(HookedExplainer explainer, Readiness readiness, long warmupMs, String... flags) throws Exception {
            this.readiness = readiness;
            // the fixed warm-up only: the JIT-aware phase after it has its own test (JitWarmUpTest)
            List<String> args = new java.util.ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                    "--codec-threads=2", "--warmup-jit-max-ms=0"));
            args.addAll(List.of(flags));
            ServerConfig config = ServerConfig.parse(args.toArray(String[]::new));
            server = ScoreCamServer.listen(config, new TestMapEncoder(), registry, readiness)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            long t0 = System.nanoTime();
            try (HealthPoller poller = new HealthPoller(channel, readiness, healthSeen)) {
                server.serve(explainer, warmupMs).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                serveMs = (System.nanoTime() - t0) / 1_000_000;
            }
        }

        double counter(String name, String... tags) {
            Counter c = registry.find(name).tags(tags).counter();
            return c == null ? 0 : c.count();
        }

        @Override
        public void close() throws Exception {
            channel.shutdownNow();
            server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void framesGoThroughThePortWhileNotServingAndCountInNoClientSeries() throws Exception {
        HookedExplainer explainer = new HookedExplainer();
        explainer.inner.delayMs = 2;
        List<String> phaseOfFrames = new CopyOnWriteArrayList<>();
        try (Started s = new Started(explainer, 1200, "--warmup-transport-percent=50")) {
            explainer.hook = r -> {
                phaseOfFrames.add("after serve");
                return null;
            };
            double transport = s.counter("scorecam.warmup.frames", "path", "transport");
            double inProcess = s.counter("scorecam.warmup.frames", "path", "in_process");
            assertTrue(transport >= 10, "warm-up frames through the port: " + transport);
            assertTrue(inProcess >= 10, "warm-up frames in process: " + inProcess);
            assertEquals(explainer.frames.get(), (int) (transport + inProcess), 2.0 + explainer.frames.get() / 10.0,
                    "every frame the engine saw was a counted warm-up frame");
            assertTrue(s.readiness.isServing());
            assertTrue(s.healthSeen.stream().anyMatch(h -> h.startsWith("NOT_SERVING " + TRANSPORT)),
                    "health while the transport warm-up ran: " + s.healthSeen);
            assertTrue(s.healthSeen.stream().noneMatch(h -> h.startsWith("SERVING " + TRANSPORT)), s.healthSeen.toString());
            // no client series saw the warm-up: frames, streams, calls
            assertNull(s.registry.find("scorecam.frames.succeeded").counter(), "frames counted as client frames");
            assertNull(s.registry.find("scorecam.frames.failed").counter());
            assertEquals(0, s.registry.get("scorecam.streams").counter().count(), "warm-up streams counted");
            assertEquals(0, s.registry.get("scorecam.streams.open").gauge().value());
            assertEquals(0, s.registry.get("scorecam.frames.in.flight").gauge().value());
            assertEquals(0, s.server.activeCalls());
            Thread.sleep(300);
            assertEquals(List.of(), phaseOfFrames, "no warm-up frame after SERVING");
            // a client's frame does count
            ExplainServiceGrpc.newBlockingStub(s.channel).explain(Frames.frame(7).setMethod(Method.EIGEN_CAM).build());
            assertEquals(1, s.counter("scorecam.frames.succeeded"), 1e-9);
        }
    }

    @Test
    void offSendsNothingThroughThePort() throws Exception {
        HookedExplainer explainer = new HookedExplainer();
        try (Started s = new Started(explainer, 400, "--warmup-transport-percent=0")) {
            assertEquals(0, s.counter("scorecam.warmup.frames", "path", "transport"));
            assertTrue(s.counter("scorecam.warmup.frames", "path", "in_process") > 0);
            assertTrue(s.healthSeen.stream().noneMatch(h -> h.contains(TRANSPORT)), s.healthSeen.toString());
        }
    }

    @Test
    void failingTransportFramesDoNotStopTheServer() throws Exception {
        HookedExplainer explainer = new HookedExplainer();
        Readiness readiness = new Readiness();
        // in process as usual; through the port every frame fails
        explainer.hook = r -> readiness.state().reason().startsWith(TRANSPORT)
                ? CompletableFuture.failedFuture(new ScoreCamException(ErrorCode.INTERNAL, "broken engine")) : null;
        try (Started s = new Started(explainer, readiness, 600, "--warmup-transport-percent=50")) {
            assertTrue(s.readiness.isServing(), s.readiness.state().toString());
            assertEquals(0, s.counter("scorecam.warmup.frames", "path", "transport"));
            explainer.hook = r -> null;
            assertEquals(1, ExplainServiceGrpc.newBlockingStub(s.channel).explain(Frames.frame(3).build()).getMapsCount());
        }
    }

    @Test
    void hangingTransportFramesAreCutAtTheBudget() throws Exception {
        HookedExplainer explainer = new HookedExplainer();
        Readiness readiness = new Readiness();
        long warmupMs = 600;
        // in process as usual; through the port every frame takes 20 s
        explainer.hook = r -> readiness.state().reason().startsWith(TRANSPORT)
                ? CompletableFuture.supplyAsync(() -> ControllableExplainer.result(r),
                        CompletableFuture.delayedExecutor(20, TimeUnit.SECONDS)) : null;
        try (Started s = new Started(explainer, readiness, warmupMs, "--warmup-transport-percent=50")) {
            assertTrue(s.readiness.isServing());
            assertTrue(s.serveMs < warmupMs + TransportWarmUp.GRACE_MS + 1500, "serve took " + s.serveMs + " ms");
            assertEquals(0, s.counter("scorecam.warmup.frames", "path", "transport"));
            explainer.hook = r -> null;
            assertEquals(1, ExplainServiceGrpc.newBlockingStub(s.channel).explain(Frames.frame(3).build()).getMapsCount());
        }
    }

    @Test
    void worksOverTlsWithABearerToken(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        assumeTrue(TestCertificates.make(cert, key), "openssl is not available to make a test certificate");
        // a cold JVM's first TLS handshake takes a few hundred ms: a budget that leaves room for frames. The JIT
        // phase is off as in Started: on a slow machine it runs to its 30-s cap, past this test's wait for serve.
        ServerConfig config = ServerConfig.parse("--host=0.0.0.0", "--port=0", "--metrics-port=off",
                "--tls-cert=" + cert, "--tls-key=" + key, "--auth-token=s3cret", "--warmup-transport-percent=50",
                "--warmup-jit-max-ms=0");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ScoreCamServer server = ScoreCamServer.listen(config, new TestMapEncoder(), registry, new Readiness())
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        try {
            server.serve(new ControllableExplainer(), 2000).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Counter transport = registry.find("scorecam.warmup.frames").tags("path", "transport").counter();
            assertTrue(transport != null && transport.count() >= 10, "through TLS with the token: "
                    + (transport == null ? null : transport.count()));
        } finally {
            server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDeadPortEndsTheRunWithAFailureNotAnException() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        Vertx vertx = Vertx.vertx();
        try {
            ModelDescription model = new ControllableExplainer().models().get(0);
            TransportWarmUp warmUp = new TransportWarmUp(vertx, SocketAddress.inetSocketAddress(dead, "127.0.0.1"),
                    new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
                    1 << 20, Map.of(), new WarmUpFrames());
            long t0 = System.nanoTime();
            TransportWarmUp.Result r = warmUp.run(List.of(WarmUpFrames.shape(model, Method.EIGEN_CAM)), 500)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertNotNull(r.failure(), r.toString());
            assertEquals(0, r.frames());
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500 + TransportWarmUp.GRACE_MS + 1000));
        } finally {
            vertx.close();
        }
    }

    @Test
    void aForgedWarmUpHeaderIsRefusedWhileStarting() throws Exception {
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off");
        ScoreCamServer server = ScoreCamServer.listen(config, new TestMapEncoder(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new Readiness())
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            Metadata forged = new Metadata();
            forged.put(Metadata.Key.of(WarmUpKey.HEADER, Metadata.ASCII_STRING_MARSHALLER), "0".repeat(32));
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> ExplainServiceGrpc.newBlockingStub(channel)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged))
                            .withDeadlineAfter(5, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance()));
            assertTrue(e.getStatus().getDescription().contains("not serving yet"), e.getStatus().toString());
        } finally {
            channel.shutdownNow();
            server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
