package io.scorecam.server.reload;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.ModelState;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.onnx.SyntheticModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot reload end to end: a real server with --model-poll-seconds=1 on a temporary repository of synthetic
 * models (not the bundled one), driven over gRPC as a client would: models added, changed, removed, broken
 * and half-copied while calls run.
 */
@Timeout(60)
class ModelReloadTest {
    private static final String HEALTH_PREFIX = "scorecam.v1.ExplainService/";
    /** Two versions told apart by their shape (6 vs 5 classes) and their model.json top_k default (1 vs 3). */
    private static final SyntheticModels.Model V1 = SyntheticModels.resnetLike(1);
    private static final SyntheticModels.Model V2 = SyntheticModels.vggLike(2);

    @TempDir
    Path repo;
    private RunningServer server;
    private ManagedChannel channel;
    private ExplainServiceGrpc.ExplainServiceBlockingStub stub;
    private HealthGrpc.HealthBlockingStub health;

    private void start(String... models) throws Exception {
        for (String m : models) {
            ReloadRepository.write(repo, m, V1, "\"top_k\": 1");
        }
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--model-dir=" + repo, "--model-poll-seconds=1", "--workers=1", "--codec-threads=1",
                "--warmup-ms=200", "--warmup-jit-max-ms=0"); // start-up and each reloaded version warm up (a short budget keeps tests quick)
        server = ServerAssembler.of(config).registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start()
                .awaitReady(Duration.ofSeconds(30));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        stub = ExplainServiceGrpc.newBlockingStub(channel);
        health = HealthGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAddedModelBecomesReadyInListModelsAndHealthAndAnswers() throws Exception {
        start("alpha");
        assertTrue(info("beta").isEmpty());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> health("beta"))
                .getStatus().getCode());
        BlockingQueue<ServingStatus> watched = watch("beta");
        assertEquals(ServingStatus.SERVICE_UNKNOWN, watched.poll(5, TimeUnit.SECONDS));

        ReloadRepository.write(repo, "beta", V2, "\"top_k\": 3");
        await(() -> info("beta").map(m -> m.getState() == ModelState.READY).orElse(false), "beta READY");

        ModelInfo beta = info("beta").orElseThrow();
        assertEquals(V2.classes(), beta.getNumClasses());
        assertEquals(1, beta.getGeneration());
        assertEquals(12, beta.getVersion().length(), beta.getVersion());
        assertEquals(ServingStatus.SERVING, health("beta"));
        assertEquals(ServingStatus.SERVING, health("alpha"));
        ExplainResponse r = unary("beta", 1);
        assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorMessage());
        assertEquals(3, r.getMapsCount(), "beta's own model.json top_k");
        assertTrue(awaitStatus(watched, ServingStatus.SERVING), "Watch saw beta turn SERVING");
        assertTrue(server.registry() instanceof PrometheusMeterRegistry p
                && p.scrape().contains("scorecam_model_ready{model=\"beta\"} 1"), "ready gauge");
    }

    @Test
    void aChangedModelServesNewCallsWhileAStreamOpenedBeforeFinishesOnTheOldVersion() throws Exception {
        start("alpha");
        ModelInfo before = info("alpha").orElseThrow();
        Stream old = new Stream();
        old.send("alpha", 1);
        assertEquals(1, old.next().getMapsCount(), "version 1's top_k");

        ReloadRepository.write(repo, "alpha", V2, "\"top_k\": 3");
        await(() -> info("alpha").map(m -> m.getGeneration() == 2).orElse(false), "alpha generation 2");
        ModelInfo after = info("alpha").orElseThrow();
        assertEquals(ModelState.READY, after.getState());
        assertEquals(V2.classes(), after.getNumClasses());
        assertNotEquals(before.getVersion(), after.getVersion());
        assertEquals(3, unary("alpha", 100).getMapsCount(), "a new call gets version 2");

        for (int i = 2; i <= 6; i++) {
            old.send("alpha", i);
        }
        List<ExplainResponse> rest = old.finish(5);
        for (ExplainResponse r : rest) {
            assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorMessage());
            assertEquals(1, r.getMapsCount(), "frame " + r.getFrameId() + " ran on version 1");
            assertEquals(Math.min(5, V1.classes()), r.getPredictionsCount());
        }
        // once the stream is over, version 1 goes (its sessions are closed)
        await(() -> !server.engine().retiredInUse("alpha"), "version 1 released");
    }

    @Test
    void aThirdVersionWaitsUntilNoCallRunsOnTheFirstSoAtMostTwoAreLoaded() throws Exception {
        start("alpha");
        Stream old = new Stream();
        old.send("alpha", 1);
        assertEquals(1, old.next().getMapsCount());
        ReloadRepository.write(repo, "alpha", V2, "\"top_k\": 3");
        await(() -> info("alpha").map(m -> m.getGeneration() == 2).orElse(false), "alpha generation 2");

        ReloadRepository.write(repo, "alpha", SyntheticModels.resnetLike(3), "\"top_k\": 2");
        await(() -> info("alpha").map(m -> m.getStateReason().contains("waits")).orElse(false), "the wait is shown");
        Thread.sleep(2500); // more scans: still waiting
        assertEquals(2, info("alpha").orElseThrow().getGeneration());
        assertEquals(3, unary("alpha", 50).getMapsCount(), "version 2 serves meanwhile");
        old.send("alpha", 2);
        assertEquals(1, old.finish(1).get(0).getMapsCount(), "the stream stays on version 1");

        await(() -> info("alpha").map(m -> m.getGeneration() == 3).orElse(false), "alpha generation 3");
        assertEquals("", info("alpha").orElseThrow().getStateReason());
        assertEquals(2, unary("alpha", 51).getMapsCount());
    }

    @Test
    void aRemovedModelIsNotFoundForNewCallsWhileAnOpenStreamFinishes() throws Exception {
        start("alpha", "beta");
        Stream open = new Stream();
        open.send("beta", 1);
        assertEquals(FrameStatus.OK, open.next().getStatus());

        ReloadRepository.delete(repo.resolve("beta"));
        await(() -> info("beta").isEmpty(), "beta gone from ListModels");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> unary("beta", 2));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("'beta'"), e.getStatus().getDescription());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> health("beta"))
                .getStatus().getCode());
        assertEquals(FrameStatus.OK, unary("alpha", 3).getStatus());

        for (int i = 2; i <= 4; i++) {
            open.send("beta", i);
        }
        for (ExplainResponse r : open.finish(3)) {
            assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorMessage());
        }
    }

    @Test
    void aBrokenModelJsonKeepsTheOldVersionServingAndSaysWhy() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(stdout, captured), true, StandardCharsets.UTF_8));
        try {
            start("alpha");
            String version = info("alpha").orElseThrow().getVersion();
            Files.writeString(repo.resolve("alpha/model.json"), "{\"input\": {\"name\": ");
            ReloadRepository.write(repo, "gamma", V2, "\"no_such_key\": 1");
            await(() -> info("alpha").map(m -> m.getStateReason().contains("model.json")).orElse(false),
                    "alpha's failed reload in ListModels");
            await(() -> info("gamma").map(m -> m.getState() == ModelState.UNAVAILABLE).orElse(false),
                    "gamma UNAVAILABLE");

            ModelInfo alpha = info("alpha").orElseThrow();
            assertEquals(ModelState.READY, alpha.getState());
            assertEquals(version, alpha.getVersion(), "still serving the old version");
            assertEquals(1, alpha.getGeneration());
            assertEquals(FrameStatus.OK, unary("alpha", 1).getStatus());
            assertEquals(ServingStatus.SERVING, health("alpha"));
            assertTrue(info("gamma").orElseThrow().getStateReason().contains("no_such_key"),
                    info("gamma").orElseThrow().getStateReason());
            assertEquals(ServingStatus.NOT_SERVING, health("gamma"));

            String scrape = ((PrometheusMeterRegistry) server.registry()).scrape();
            assertTrue(scrape.contains("scorecam_model_load_failures_total{model=\"alpha\"} 1.0"), scrape);
            assertTrue(scrape.contains("scorecam_model_ready{model=\"gamma\"} 0.0"), scrape);
            await(() -> captured.toString(StandardCharsets.UTF_8).lines().anyMatch(l ->
                    l.contains("\"event\":\"model_load_failed\"") && l.contains("\"model\":\"alpha\"")
                            && l.contains(repo.resolve("alpha").resolve("model.json").toString())), "event line");
            // the same broken files are not retried every scan
            Thread.sleep(2500);
            String later = ((PrometheusMeterRegistry) server.registry()).scrape();
            assertTrue(later.contains("scorecam_model_load_failures_total{model=\"alpha\"} 1.0"), later);
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void aModelStillBeingCopiedIsNotLoadedUntilItsFilesSettle() throws Exception {
        start("alpha");
        Path dir = Files.createDirectories(repo.resolve("delta"));
        Files.writeString(dir.resolve("model.json"), ReloadRepository.json(V2, ""));
        byte[] bytes = V2.bytes();
        int chunks = 16; // a slow copy: ~3.2 s, three scans and more, on its own thread so its pace is steady
        Thread copy = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(dir.resolve("model.onnx"))) {
                for (int i = 0; i < chunks; i++) {
                    out.write(bytes, i * bytes.length / chunks, (i + 1) * bytes.length / chunks - i * bytes.length / chunks);
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        copy.start();
        while (copy.isAlive()) {
            Optional<ModelInfo> delta = info("delta");
            assertTrue(delta.isEmpty() || delta.get().getState() == ModelState.LOADING,
                    "while copying: " + delta.map(ModelInfo::toString).orElse(""));
            Thread.sleep(100);
        }
        await(() -> info("delta").map(m -> m.getState() == ModelState.READY).orElse(false), "delta READY");
        assertEquals(FrameStatus.OK, unary("delta", 1).getStatus());
        String scrape = ((PrometheusMeterRegistry) server.registry()).scrape();
        assertFalse(scrape.contains("scorecam_model_load_failures_total{model=\"delta\"}"), scrape);
    }

    // ---- helpers

    private Optional<ModelInfo> info(String name) {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList().stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    private ServingStatus health(String model) {
        return health.withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(HEALTH_PREFIX + model).build()).getStatus();
    }

    private BlockingQueue<ServingStatus> watch(String model) {
        BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(HEALTH_PREFIX + model).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.health.v1.HealthCheckResponse r) {
                        seen.add(r.getStatus());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return seen;
    }

    private static boolean awaitStatus(BlockingQueue<ServingStatus> q, ServingStatus wanted) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (q.poll(500, TimeUnit.MILLISECONDS) == wanted) {
                return true;
            }
        }
        return false;
    }

    private ExplainResponse unary(String model, long id) {
        return stub.withDeadlineAfter(20, TimeUnit.SECONDS).explain(frame(model, id));
    }

    private static ExplainRequest frame(String model, long id) {
        byte[] px = new byte[48 * 36 * 3];
        new Random(id).nextBytes(px);
        return ExplainRequest.newBuilder().setFrameId(id).setModel(model)
                .setRaw(RawImage.newBuilder().setWidth(48).setHeight(36).setFormat(PixelFormat.RGB8)
                        .setPixels(ByteString.copyFrom(px))).build();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    /** One ExplainStream call; checks every frame gets exactly one answer. */
    private final class Stream {
        private final BlockingQueue<ExplainResponse> answers = new LinkedBlockingQueue<>();
        private final BlockingQueue<Object> end = new LinkedBlockingQueue<>();
        private final StreamObserver<ExplainRequest> requests;
        private final Set<Long> sent = new HashSet<>();

        Stream() {
            requests = ExplainServiceGrpc.newStub(channel).withDeadlineAfter(40, TimeUnit.SECONDS)
                    .explainStream(new StreamObserver<>() {
                        @Override
                        public void onNext(ExplainResponse r) {
                            answers.add(r);
                        }

                        @Override
                        public void onError(Throwable t) {
                            end.add(t);
                        }

                        @Override
                        public void onCompleted() {
                            end.add("completed");
                        }
                    });
        }

        void send(String model, long id) {
            sent.add(id);
            requests.onNext(frame(model, id));
        }

        ExplainResponse next() throws InterruptedException {
            ExplainResponse r = answers.poll(20, TimeUnit.SECONDS);
            assertNotNull(r, "an answer");
            return r;
        }

        /** Half-closes; returns the {@code n} answers still due, each frame answered once, then the OK end. */
        List<ExplainResponse> finish(int n) throws InterruptedException {
            requests.onCompleted();
            List<ExplainResponse> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(next());
            }
            assertEquals("completed", end.poll(20, TimeUnit.SECONDS));
            assertTrue(answers.isEmpty(), "no extra answers");
            Set<Long> ids = new HashSet<>();
            out.forEach(r -> assertTrue(ids.add(r.getFrameId()) && sent.contains(r.getFrameId()), "once: " + r.getFrameId()));
            return out;
        }
    }

    /** Writes to both streams (the test's output stays visible). */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }
}
