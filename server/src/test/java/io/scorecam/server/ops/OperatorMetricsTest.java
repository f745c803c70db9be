package io.scorecam.server.ops;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.RequestDefaults;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.BuildInfo;
import io.scorecam.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real engine on two copies of the bundled model, one with model.json request defaults: frames sent over
 * gRPC show up in /metrics under their model, method, convention and code; the defaults are applied to
 * requests that leave the fields unset and ListModels reports them.
 */
class OperatorMetricsTest {
    @TempDir
    static Path repo;
    static RunningServer server;
    static ManagedChannel channel;
    static ExplainServiceGrpc.ExplainServiceBlockingStub stub;
    static List<Path> frames;

    @BeforeAll
    static void start() throws Exception {
        ShapesRepository.write(repo, "alpha", "\"method\": \"eigen_cam\", \"top_k\": 2, \"convention\": \"OFFICIAL\"");
        ShapesRepository.write(repo, "beta", "\"max_channels\": 3");
        frames = ShapesRepository.frames();
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=0",
                "--model-dir=" + repo, "--default-model=beta", "--workers=1", "--codec-threads=1", "--warmup-ms=0");
        server = ServerAssembler.of(config).registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start()
                .awaitReady(Duration.ofSeconds(120));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        stub = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        server.close();
    }

    private static ExplainRequest frame(int i) throws Exception {
        return ExplainRequest.newBuilder().setFrameId(i)
                .setEncoded(ByteString.copyFrom(Files.readAllBytes(frames.get(i % frames.size())))).build();
    }

    @Test
    void listModelsReportsEachModelsRequestDefaults() {
        Map<String, ModelInfo> byName = stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList()
                .stream().collect(Collectors.toMap(ModelInfo::getName, m -> m));
        assertEquals(RequestDefaults.newBuilder().setMethod(Method.EIGEN_CAM).setConvention(Convention.OFFICIAL)
                .setMaxChannels(32).setTopK(2).build(), byName.get("alpha").getDefaults());
        assertEquals(RequestDefaults.newBuilder().setMethod(Method.SCORE_CAM).setConvention(Convention.SEED)
                .setMaxChannels(3).setTopK(1).build(), byName.get("beta").getDefaults());
    }

    @Test
    void modelDefaultsApplyOnlyWhereTheRequestLeavesAFieldUnset() throws Exception {
        ExplainResponse byDefault = stub.explain(frame(1).toBuilder().setModel("alpha").build());
        assertEquals(2, byDefault.getMapsCount(), "alpha's top_k 2");
        assertTrue(byDefault.getMapsList().stream().allMatch(m -> m.getClassAgnostic()), "alpha's EIGEN_CAM");
        assertEquals(1, byDefault.getForwardPasses(), "EIGEN_CAM costs one pass");

        ExplainResponse overridden = stub.explain(frame(2).toBuilder().setModel("alpha").setTopK(1)
                .setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(2).build());
        assertEquals(1, overridden.getMapsCount());
        assertFalse(overridden.getMaps(0).getClassAgnostic());
        assertEquals(3, overridden.getForwardPasses(), "1 feature pass + max_channels 2");

        // beta is the default model; its max_channels 3 applies to FASTER_SCORE_CAM when the request says 0
        ExplainResponse beta = stub.explain(frame(3).toBuilder().setMethod(Method.FASTER_SCORE_CAM).build());
        assertEquals(1, beta.getMapsCount());
        assertEquals(4, beta.getForwardPasses(), "1 feature pass + beta's max_channels 3");
    }

    @Test
    void framesAreCountedByModelMethodConventionAndCode() throws Exception {
        Scrape before = Scrape.get(server.metricsPort(), "/metrics");
        int passes = 0;
        for (int i = 10; i < 13; i++) { // alpha's default method and convention
            passes += stub.explain(frame(i).toBuilder().setModel("alpha").build()).getForwardPasses();
        }
        passes += stub.explain(frame(13).toBuilder().setModel("beta").setMethod(Method.FASTER_SCORE_CAM)
                .setMaxChannels(2).setConvention(Convention.GRAD_CAM_LIB).build()).getForwardPasses();
        ExplainRequest badImage = frame(14).toBuilder().setModel("beta").setMethod(Method.EIGEN_CAM)
                .setEncoded(ByteString.copyFromUtf8("not an image")).build();
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT,
                assertThrows(StatusRuntimeException.class, () -> stub.explain(badImage)).getStatus().getCode());
        ExplainRequest unknownModel = frame(15).toBuilder().setModel("no-such-model-" + System.nanoTime()).build();
        assertEquals(io.grpc.Status.Code.NOT_FOUND,
                assertThrows(StatusRuntimeException.class, () -> stub.explain(unknownModel)).getStatus().getCode());

        Scrape after = Scrape.get(server.metricsPort(), "/metrics");
        assertEquals(3, delta(before, after, "scorecam_frames_succeeded_total",
                "model", "alpha", "method", "EIGEN_CAM", "convention", "OFFICIAL"));
        assertEquals(1, delta(before, after, "scorecam_frames_succeeded_total",
                "model", "beta", "method", "FASTER_SCORE_CAM", "convention", "GRAD_CAM_LIB"));
        assertEquals(1, delta(before, after, "scorecam_frames_failed_total",
                "model", "beta", "method", "EIGEN_CAM", "code", "INVALID_ARGUMENT"));
        // a name the server does not serve never becomes a label value of its own
        assertEquals(1, delta(before, after, "scorecam_frames_failed_total",
                "model", "unknown", "method", "SCORE_CAM", "code", "NOT_FOUND"));
        assertTrue(after.find("scorecam_frames_failed_total", "model", unknownModel.getModel()).isEmpty());

        assertEquals(passes, delta(before, after, "scorecam_frame_forward_passes_total")
                , "forward passes equal the responses' sum");
        assertEquals(3, delta(before, after, "scorecam_frame_forward_passes_total", "model", "alpha"));
        assertEquals(3, delta(before, after, "scorecam_frame_forward_passes_total", "model", "beta"));
        // queue and compute histograms hold the OK frames; the total one the failed frames too
        assertEquals(3, delta(before, after, "scorecam_frame_queue_duration_seconds_count", "model", "alpha"));
        assertEquals(3, delta(before, after, "scorecam_frame_compute_duration_seconds_count", "model", "alpha"));
        assertEquals(6, delta(before, after, "scorecam_frame_duration_seconds_count"), "4 OK + 2 failed");
        assertEquals(3, delta(before, after, "scorecam_frame_duration_seconds_bucket", "model", "alpha", "le", "+Inf"));
        assertTrue(delta(before, after, "scorecam_frame_compute_duration_seconds_sum", "model", "alpha") > 0);
        // the engine's batches per model and pass kind: alpha's 3 EIGEN_CAM frames are 3 feature-pass items;
        // beta's FASTER_SCORE_CAM frame with max_channels 2 is 1 feature item and 2 masked GRAD_CAM_LIB items
        assertEquals(3, delta(before, after, "scorecam_batch_items_total", "model", "alpha", "kind", "features"));
        assertEquals(0, delta(before, after, "scorecam_batch_items_total", "model", "alpha", "kind", "scoring-OFFICIAL"));
        assertEquals(2, delta(before, after, "scorecam_batch_items_total", "model", "beta", "kind", "scoring-GRAD_CAM_LIB"));
        assertEquals(passes, delta(before, after, "scorecam_batch_items_total"), "every pass is a batch item");
        double batches = delta(before, after, "scorecam_batch_executions_total", "model", "alpha", "kind", "features");
        assertTrue(batches >= 1 && batches <= 3, "batches " + batches);
    }

    @Test
    void processJvmAndBuildSeriesAreServed() throws Exception {
        Scrape s = Scrape.get(server.metricsPort(), "/metrics");
        assertFalse(BuildInfo.version().isBlank());
        assertEquals(1.0, s.value("scorecam_build_info", "version", BuildInfo.version()));
        assertTrue(s.sum("jvm_memory_used_bytes", "area", "heap") > 0, "JVM memory binder");
        assertTrue(s.sum("jvm_threads_live_threads") > 0, "JVM thread binder");
        assertFalse(s.find("jvm_gc_memory_allocated_bytes_total").isEmpty(), "GC binder");
        assertTrue(s.sum("process_uptime_seconds") > 0, "uptime binder");
        assertFalse(s.find("process_cpu_usage").isEmpty(), "processor binder");
        assertFalse(s.find("jvm_classes_loaded_classes").isEmpty(), "class loader binder");
        assertEquals(0.0, s.value("scorecam_streams_open"));
    }

    @Test
    void readyzAgreesWithGrpcHealth() throws Exception {
        var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
                health.check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()).getStatus());
        var http = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/readyz", "/healthz")) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + server.metricsPort() + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            assertTrue(r.body().startsWith("serving: "), r.body());
        }
    }

    /** Series that exist only after their event (a LATEST drop, a GC pause): documented, not always scraped. */
    private static final java.util.Set<String> ON_EVENT = java.util.Set.of("scorecam_frames_skipped_total",
            "jvm_gc_pause_seconds_sum");

    @Test
    void theDashboardAndTheAlertRulesUseOnlySeriesTheServerServes() throws Exception {
        stub.explain(frame(20).toBuilder().setModel("beta").setMethod(Method.FASTER_SCORE_CAM).build());
        assertThrows(StatusRuntimeException.class, () -> stub.explain(frame(21).toBuilder()
                .setEncoded(ByteString.copyFromUtf8("not an image")).build()));
        Path docker = ShapesRepository.repoRoot().resolve("docker");
        String dashboard = Files.readString(docker.resolve("grafana/dashboards/scorecam.json"));
        StringBuilder exprs = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonNode expr : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dashboard).findValues("expr")) {
            exprs.append(expr.asText()).append('\n');
        }
        assertTrue(exprs.length() > 0, "the dashboard has queries");
        exprs.append(Files.readString(docker.resolve("alerts.yml")));
        assertTrue(Files.readString(docker.resolve("prometheus.yml")).contains("/etc/prometheus/alerts.yml"));
        assertTrue(Files.readString(docker.resolve("compose.yaml")).contains("./alerts.yml:/etc/prometheus/alerts.yml"));
        String docs = Files.readString(ShapesRepository.repoRoot().resolve("docs/metrics.md"));
        Scrape s = Scrape.get(server.metricsPort(), "/metrics");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((?:scorecam|jvm|process)_[a-z_]+)\\b")
                .matcher(exprs);
        java.util.Set<String> names = new java.util.TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(names.size() > 10, names.toString());
        assertTrue(names.contains("scorecam_gpu_utilization_ratio"), "the dashboard shows the GPU (CUDA servers)");
        for (String name : names) {
            String family = name.replaceAll("_(bucket|sum|count)$", "");
            assertTrue(docs.contains("`" + family), name + " is not documented in docs/metrics.md");
            // a histogram named in prose (an alert's description) is served as NAME_count, NAME_bucket, ...
            boolean served = !s.find(name).isEmpty() || !s.find(name + "_count").isEmpty();
            if (name.startsWith("scorecam_gpu_")) { // CUDA only: this server runs on the CPU
                assertFalse(served, name + " is served by a CPU server");
                continue;
            }
            assertTrue(ON_EVENT.contains(name) || served, name + " is not served:\n" + s.body);
        }
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
