package io.scorecam.dockerit;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker/Dockerfile.cuda builds and runs, as far as this machine can tell without a GPU or a registry: from the
 * local JRE base (its JRE step is then skipped) and with the CPU jar in the place of the gpu jar, started with
 * SCORECAM_DEVICE=cpu. That checks its COPY paths, user, environment, HEALTHCHECK and entry point; CUDA itself
 * needs a GPU host (docker/README.md).
 */
class CudaDockerfileTest {
    @Test
    void cudaDockerfileBuildsAndServesWithTheJarAtTheGpuJarsPath() throws Exception {
        Path root = ServerImageTest.repoRoot(Path.of(System.getProperty("scorecam.repo.root", ".")));
        Path jar = root.resolve("server/target/scorecam-server.jar");
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker daemon answers: Dockerfile.cuda test skipped");
        assumeTrue(Files.isRegularFile(jar), "no fat jar at " + jar + " (run mvn package): Dockerfile.cuda test skipped");
        String base = System.getenv("SCORECAM_DOCKER_BASE_IMAGE");
        assumeTrue(base != null && !base.isBlank(), "SCORECAM_DOCKER_BASE_IMAGE is not set (.ci/setup-docker.sh): "
                + "the CUDA base image cannot be pulled here, Dockerfile.cuda test skipped");
        try (ServerImage image = ServerImage.build(root, "Dockerfile.cuda", "server/target/scorecam-server-gpu.jar",
                jar, root.resolve("models"), base, ServerImage.freePort())) {
            image.start(Duration.ofMinutes(4), Map.of("SCORECAM_DEVICE", "cpu"), Map.of());
            List<String> test = image.healthCheckCommand();
            GenericContainer.ExecResult probe = image.exec(test.subList(1, test.size()));
            assertEquals(0, probe.getExitCode(), "HEALTHCHECK; out: " + probe.getStdout() + " err: " + probe.getStderr());
            assertTrue(probe.getStdout().contains("SERVING"), probe.getStdout());
        }
    }
}
