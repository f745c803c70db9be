package io.scorecam.dockerit;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.SaliencyMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds docker/Dockerfile with the server's fat jar and the repository's models, runs it, and talks to it as a
 * user would: health, the image's own HEALTHCHECK, /metrics, the bundled frames over ExplainStream, and a
 * {@code docker stop} in the middle of a stream, which must answer every frame the server had taken.
 *
 * <p>Skips when no Docker daemon answers, or when the fat jar or a model with frames is missing. The base image
 * is {@code -Dscorecam.docker.base-image} or $SCORECAM_DOCKER_BASE_IMAGE (CI builds a local one), else the
 * Dockerfile's public default.
 */
class ServerImageTest {
    private static final Logger LOG = LoggerFactory.getLogger(ServerImageTest.class);
    private static final Pattern NOT_READ_AFTER = Pattern.compile("frames after frame_id (\\d+) were not read");
    /** Responses of the second stream after which the container is stopped. */
    private static final int STOP_AFTER = 5;
    /** Share of (frame, object) pairs whose map must be brighter inside the object's box than outside. */
    private static final double MIN_LOCALISED = 0.75;

    @Test
    void imageServesFramesAndStopsGracefully() throws Exception {
        Path root = repoRoot(Path.of(System.getProperty("scorecam.repo.root", ".")));
        Path jar = Path.of(System.getProperty("scorecam.it.jar", root.resolve("server/target/scorecam-server.jar").toString()));
        Path models = Path.of(System.getProperty("scorecam.it.models", root.resolve("models").toString()));
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker daemon answers (CI starts one with .ci/setup-docker.sh): image test skipped");
        assumeTrue(Files.isRegularFile(jar), "no fat jar at " + jar + " (run mvn package): image test skipped");
        String framesProperty = System.getProperty("scorecam.it.frames");
        BundledFrames frames = framesProperty != null
                ? BundledFrames.read(Path.of(framesProperty).resolve("boxes.json"))
                : BundledFrames.find(models).orElse(null);
        assumeTrue(frames != null, "no model with frames/boxes.json under " + models + ": image test skipped");
        // a model directory holds model.json and model.onnx (the server's model repository layout)
        Path modelDir = models.resolve(frames.model());
        assumeTrue(Files.isRegularFile(modelDir.resolve("model.onnx")) && Files.isRegularFile(modelDir.resolve("model.json")),
                "model directory " + modelDir + " has frames but no model.onnx/model.json yet: image test skipped");

        String base = firstSet(System.getProperty("scorecam.docker.base-image"), System.getenv("SCORECAM_DOCKER_BASE_IMAGE"));
        String portEnv = System.getenv("SCORECAM_IT_PORT");
        int port = portEnv != null && !portEnv.isBlank() ? Integer.parseInt(portEnv.trim()) : ServerImage.freePort();

        long testStart = System.nanoTime();
        ManagedChannel channel = null;
        try (ServerImage image = ServerImage.build(root, jar, models, base, port)) {
            image.start(Duration.ofMinutes(4));
            channel = NettyChannelBuilder.forAddress("127.0.0.1", image.port()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();

            checkHealth(image, channel);
            checkMetrics(image.metricsPort());
            ModelInfo model = findModel(channel, frames.model());
            // boxes name classes of the model they were drawn for: check where the maps point only for that model
            boolean localise = model.getLabelsList().equals(frames.classes());
            LOG.info("model {}: {} frames, {}", model.getName(), frames.frames().size(),
                    localise ? "maps are checked against the boxes" : "labels differ from boxes.json: maps checked for form only");

            streamAllFrames(channel, frames, localise);
            stopInTheMiddleOfAStream(channel, image, frames, localise);
            healthcheckOnATlsServer(image);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            LOG.info("image test took {} ms in all", (System.nanoTime() - testStart) / 1_000_000);
        }
    }

    private static void checkHealth(ServerImage image, ManagedChannel channel) throws Exception {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(ExplainServiceGrpc.SERVICE_NAME).build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus(), "grpc.health.v1 of the ExplainService");

        // the image's own HEALTHCHECK command, run once inside the container
        List<String> test = image.healthCheckCommand();
        assertEquals("CMD", test.get(0), "HEALTHCHECK should be in exec form (no shell needed): " + test);
        GenericContainer.ExecResult probe = image.exec(test.subList(1, test.size()));
        assertEquals(0, probe.getExitCode(), "HEALTHCHECK exit code; out: " + probe.getStdout() + " err: " + probe.getStderr());
        assertTrue(probe.getStdout().contains("SERVING"), "HEALTHCHECK output: " + probe.getStdout());
    }

    /** The same image and HEALTHCHECK line, the server started with TLS (SCORECAM_TLS_CERT/KEY): still healthy. */
    private static void healthcheckOnATlsServer(ServerImage image) throws Exception {
        Path dir = Files.createTempDirectory("scorecam-it-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!io.scorecam.server.testing.TestCertificates.make(cert, key)) {
            LOG.warn("openssl is not available: the HEALTHCHECK on a TLS server is not checked");
            return;
        }
        image.start(Duration.ofMinutes(4),
                Map.of("SCORECAM_TLS_CERT", "/opt/scorecam/tls/cert.pem", "SCORECAM_TLS_KEY", "/opt/scorecam/tls/key.pem"),
                Map.of(cert, "/opt/scorecam/tls/cert.pem", key, "/opt/scorecam/tls/key.pem"));
        List<String> test = image.healthCheckCommand();
        GenericContainer.ExecResult probe = image.exec(test.subList(1, test.size()));
        assertEquals(0, probe.getExitCode(), "HEALTHCHECK on a TLS server; out: " + probe.getStdout() + " err: " + probe.getStderr());
        assertTrue(probe.getStdout().contains("(TLS) SERVING"), "HEALTHCHECK output: " + probe.getStdout());
    }

    private static void checkMetrics(int metricsPort) throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), "GET /metrics");
        assertTrue(metrics.body().contains("# TYPE "), "/metrics is not in Prometheus text format");
    }

    private static ModelInfo findModel(ManagedChannel channel, String name) {
        List<ModelInfo> models = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        return models.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the image serves no model '" + name + "' (has "
                        + models.stream().map(ModelInfo::getName).toList() + ")"));
    }

    /** Every bundled frame once: one OK response each, in order, with well-formed maps that find the objects. */
    private static void streamAllFrames(ManagedChannel channel, BundledFrames frames, boolean localise) throws Exception {
        List<ExplainRequest> requests = new ArrayList<>();
        for (int i = 0; i < frames.frames().size(); i++) {
            requests.add(request(frames.model(), frames.frames().get(i), i, localise));
        }
        long start = System.nanoTime();
        FrameStream stream = new FrameStream(requests.iterator(), n -> { });
        ExplainServiceGrpc.newStub(channel).explainStream(stream);
        Status status = stream.closed().get(10, TimeUnit.MINUTES);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(status.isOk(), "stream of the bundled frames ended with " + status);

        List<ExplainResponse> responses = stream.responses();
        assertEquals(requests.size(), responses.size(), "one response per frame");
        int localised = 0;
        int objects = 0;
        for (int i = 0; i < responses.size(); i++) {
            ExplainResponse r = responses.get(i);
            BundledFrames.Frame frame = frames.frames().get(i);
            String what = "frame " + i + " (" + frame.file() + ")";
            assertEquals(i, r.getFrameId(), "responses in request order");
            assertEquals(FrameStatus.OK, r.getStatus(), what + ": " + r.getErrorCode() + " " + r.getErrorMessage());
            int[] size = pngSize(frame.png());
            List<Integer> targets = requests.get(i).getTargetClassesList();
            assertEquals(targets.isEmpty() ? 1 : targets.size(), r.getMapsCount(), what + ": maps");
            for (int m = 0; m < r.getMapsCount(); m++) {
                SaliencyMap map = r.getMaps(m);
                MapChecks.assertWellFormed(map, size[0], size[1], what + " map " + m);
                if (!targets.isEmpty()) {
                    assertEquals(targets.get(m).intValue(), map.getClassId(), what + ": maps in request order");
                }
            }
            if (localise) {
                for (int m = 0; m < frame.objects().size(); m++) {
                    objects++;
                    if (MapChecks.insideOverOutside(r.getMaps(m), frame.objects().get(m)) > 1.0) {
                        localised++;
                    }
                }
            }
        }
        LOG.info("streamed {} frames in {} ms ({} frames/s){}", responses.size(), ms,
                String.format("%.1f", responses.size() * 1000.0 / Math.max(1, ms)),
                localise ? "; maps brighter inside the object's box for " + localised + " of " + objects : "");
        if (localise && objects > 0) {
            assertTrue(localised >= MIN_LOCALISED * objects,
                    "maps point at the object in only " + localised + " of " + objects + " cases");
        }
    }

    /**
     * A long stream; after a few responses {@code docker stop} sends SIGTERM. The server must stop reading,
     * answer every frame it had taken, end the call with UNAVAILABLE naming the last frame it read, and exit
     * by itself before docker's SIGKILL.
     */
    private static void stopInTheMiddleOfAStream(ManagedChannel channel, ServerImage image, BundledFrames frames,
                                                 boolean localise) throws Exception {
        int n = frames.frames().size();
        int total = Math.max(200, 10 * n);
        // every pass over the frames uses new variants of them: cache hits would answer too fast to stop in between
        Iterator<ExplainRequest> requests = IntStream.range(0, total)
                .mapToObj(i -> request(frames.model(), frames.frames().get(i % n), i, localise)
                        .toBuilder().setEncoded(ByteString.copyFrom(
                                FrameVariants.variant(frames.frames().get(i % n).png(), 1 + i / n))).build())
                .iterator();
        CompletableFuture<Long> exitCode = new CompletableFuture<>();
        int[] answeredAtStop = new int[1];
        FrameStream stream = new FrameStream(requests, count -> {
            if (count == STOP_AFTER) {
                answeredAtStop[0] = count;
                // docker stop blocks until the container has exited: never on the gRPC thread
                CompletableFuture.supplyAsync(() -> image.stopGracefully(60)).whenComplete((code, e) -> {
                    if (e != null) {
                        exitCode.completeExceptionally(e);
                    } else {
                        exitCode.complete(code);
                    }
                });
            }
        });
        long start = System.nanoTime();
        ExplainServiceGrpc.newStub(channel).explainStream(stream);
        Status status = stream.closed().get(10, TimeUnit.MINUTES);
        long code = exitCode.get(3, TimeUnit.MINUTES);
        long ms = (System.nanoTime() - start) / 1_000_000;

        List<ExplainResponse> responses = stream.responses();
        LOG.info("stop test: {} sent, {} answered ({} before the stop was asked), call ended {}, exit code {}, {} ms",
                stream.sent(), responses.size(), answeredAtStop[0], status, code, ms);
        assertTrue(responses.size() < total, "all " + total + " frames were answered before the stop took effect");
        for (int i = 0; i < responses.size(); i++) {
            assertEquals(i, responses.get(i).getFrameId(), "responses in order, none missing");
            assertEquals(FrameStatus.OK, responses.get(i).getStatus(), "frame " + i + " during shutdown: "
                    + responses.get(i).getErrorMessage());
        }
        assertEquals(Status.Code.UNAVAILABLE, status.getCode(), "the call should end UNAVAILABLE on shutdown: " + status);
        String description = String.valueOf(status.getDescription());
        Matcher lastRead = NOT_READ_AFTER.matcher(description);
        assertTrue(lastRead.find(), "the server should end the stream itself, naming the last frame it read: " + status);
        assertEquals(Long.parseLong(lastRead.group(1)), responses.get(responses.size() - 1).getFrameId(),
                "every frame the server read must be answered before it stops");
        assertNotEquals(137L, code, "the server did not exit within docker stop's timeout and was killed");
        assertTrue(code == 0 || code == 143, "exit code after SIGTERM: " + code);
        assertFalse(responses.isEmpty(), "no frame answered at all");
    }

    private static ExplainRequest request(String model, BundledFrames.Frame frame, long id, boolean localise) {
        ExplainRequest.Builder b = ExplainRequest.newBuilder()
                .setModel(model)
                .setFrameId(id)
                .setEncoded(ByteString.copyFrom(frame.png()))
                .setMapSize(MapSize.ORIGINAL)
                .setWantValues(true);
        if (localise) {
            frame.objects().forEach(o -> b.addTargetClasses(o.classId()));
        }
        return b.build();
    }

    private static int[] pngSize(byte[] png) throws IOException {
        var img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException("not an image ImageIO reads");
        }
        return new int[] {img.getWidth(), img.getHeight()};
    }

    /** The directory holding docker/Dockerfile: the given one or its nearest ancestor (run from the module dir). */
    static Path repoRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docker").resolve("Dockerfile"))) {
                return p;
            }
        }
        throw new AssertionError("no docker/Dockerfile in " + start.toAbsolutePath() + " or above");
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
