package io.scorecam.dockerit;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.Method;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker/Dockerfile.build as a user runs it: its Maven stage builds the server jar from the sources inside
 * Docker (in the local JDK + Maven image CI makes, since no registry is reachable), its runtime stage is the
 * local JRE base; the image then starts, its HEALTHCHECK says SERVING and it explains a frame.
 *
 * <p>The Maven stage gets the host's local repository as a mirror on 127.0.0.1 ({@link LocalMavenMirror}):
 * the very artifacts the reactor build resolved, with no second download. {@code -Dscorecam.dockerbuild.mirror=false}
 * lets the stage download from Maven Central itself instead (to measure that path).
 */
class DockerfileBuildTest {
    private static final Logger LOG = LoggerFactory.getLogger(DockerfileBuildTest.class);
    private static final Pattern COPY = Pattern.compile("^COPY (?!--from)(\\S+) (\\S+)$");

    @Test
    void dockerfileBuildCompilesTheServerInsideDockerAndTheImageServes() throws Exception {
        Path root = ServerImageTest.repoRoot(Path.of(System.getProperty("scorecam.repo.root", ".")));
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker daemon answers (CI starts one with .ci/setup-docker.sh): Dockerfile.build test skipped");
        String base = System.getenv("SCORECAM_DOCKER_BASE_IMAGE");
        String buildImage = System.getenv("SCORECAM_DOCKER_BUILD_IMAGE");
        assumeTrue(base != null && !base.isBlank() && buildImage != null && !buildImage.isBlank(),
                "SCORECAM_DOCKER_BASE_IMAGE / SCORECAM_DOCKER_BUILD_IMAGE are not set (.ci/setup-docker.sh makes "
                        + "both; no registry is reachable here): Dockerfile.build test skipped");
        boolean useMirror = !"false".equals(System.getProperty("scorecam.dockerbuild.mirror"));
        Path repository = Path.of(System.getProperty("scorecam.m2.repo",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));

        Map<String, String> args = new LinkedHashMap<>();
        args.put("BUILD_IMAGE", buildImage);
        args.put("BASE_IMAGE", base);
        long start = System.nanoTime();
        try (LocalMavenMirror mirror = LocalMavenMirror.serve(repository)) {
            if (useMirror) {
                args.put("MAVEN_MIRROR", mirror.url());
            }
            try (ServerImage image = ServerImage.buildFromSource(root, "Dockerfile.build", copiedPaths(root),
                    args, ServerImage.freePort())) {
                LOG.info("Dockerfile.build: image built in {} ms ({}; mirror served {} files, {} MB, {} not found)",
                        image.buildMillis(), useMirror ? "Maven mirror on 127.0.0.1" : "Maven Central direct",
                        mirror.served.get(), mirror.bytes.get() >> 20, mirror.missing.get());
                if (useMirror) {
                    assertTrue(mirror.served.get() > 0 || image.buildMillis() < 60_000,
                            "the Maven stage used the mirror (or came from Docker's build cache)");
                }
                image.start(Duration.ofMinutes(4));
                List<String> test = image.healthCheckCommand();
                GenericContainer.ExecResult probe = image.exec(test.subList(1, test.size()));
                assertEquals(0, probe.getExitCode(), "HEALTHCHECK; out: " + probe.getStdout() + " err: " + probe.getStderr());
                assertTrue(probe.getStdout().contains("SERVING"), probe.getStdout());
                explainOneFrame(root, image.port());
            }
        } finally {
            removeBuildStages();
            LOG.info("Dockerfile.build test took {} ms in all", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The untagged build-stage images (labelled in Dockerfile.build): ~850 MB each, Ryuk is off. */
    private static void removeBuildStages() {
        var docker = DockerClientFactory.instance().client();
        for (var image : docker.listImagesCmd().withDanglingFilter(true)
                .withLabelFilter(Map.of("io.scorecam.stage", "build")).exec()) {
            try {
                docker.removeImageCmd(image.getId()).withForce(true).exec();
            } catch (RuntimeException e) {
                LOG.warn("could not remove build stage image {}: {}", image.getId(), e.toString());
            }
        }
    }

    private static void explainOneFrame(Path root, int port) throws Exception {
        BundledFrames frames = BundledFrames.find(root.resolve("models")).orElseThrow();
        byte[] frame = frames.frames().get(0).png();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        try {
            ExplainResponse r = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .explain(ExplainRequest.newBuilder().setFrameId(7).setMethod(Method.EIGEN_CAM)
                            .setEncoded(ByteString.copyFrom(frame)).build());
            assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorCode() + ": " + r.getErrorMessage());
            assertEquals(7, r.getFrameId());
            assertEquals(1, r.getMapsCount());
            assertTrue(r.getMaps(0).getWidth() > 0 && r.getMaps(0).getHeight() > 0, r.getMaps(0).toString());
        } finally {
            channel.shutdownNow();
        }
    }

    /** The context paths Dockerfile.build copies (its COPY lines, ARG defaults resolved). */
    static List<String> copiedPaths(Path root) throws Exception {
        List<String> lines = Files.readAllLines(root.resolve("docker/Dockerfile.build"));
        Map<String, String> defaults = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        for (String line : lines) {
            Matcher arg = Pattern.compile("^ARG (\\w+)=(\\S+)$").matcher(line.strip());
            if (arg.matches()) {
                defaults.put(arg.group(1), arg.group(2));
            }
            Matcher m = COPY.matcher(line.strip());
            if (m.matches()) {
                String source = m.group(1);
                for (var e : defaults.entrySet()) {
                    source = source.replace("${" + e.getKey() + "}", e.getValue());
                }
                paths.add(source.replaceFirst("/$", ""));
            }
        }
        assertTrue(paths.contains("pom.xml") && paths.contains("server/src"), paths.toString());
        return paths;
    }
}
