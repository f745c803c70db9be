package io.scorecam.dockerit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The server image built from docker/Dockerfile with the fat jar and a models directory, and one container of
 * it on the host network (dockerd in CI has no bridge). Closing removes the container and the image, since
 * Ryuk (Testcontainers' reaper) is off.
 */
final class ServerImage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerImage.class);
    /** Logged once the models are loaded and health says SERVING ("listening on" comes first, while loading). */
    private static final String LISTENING = ".*scorecam-server serving on .*";

    private final String tag;
    private final int port;
    private final int metricsPort;
    private GenericContainer<?> container;
    private long buildMillis;

    private ServerImage(String tag, int port, int metricsPort) {
        this.tag = tag;
        this.port = port;
        this.metricsPort = metricsPort;
    }

    /**
     * Builds the image. {@code baseImage} null keeps the Dockerfile's default (a public JRE image).
     * The build context holds only what the Dockerfile copies, at the paths it has in the repository.
     */
    static ServerImage build(Path repoRoot, Path jar, Path modelsDir, String baseImage, int port) throws IOException {
        return build(repoRoot, "Dockerfile", "server/target/scorecam-server.jar", jar, modelsDir, baseImage, port);
    }

    /**
     * Builds docker/{@code dockerfile} with {@code jar} at {@code jarInContext} (the path the Dockerfile copies).
     */
    static ServerImage build(Path repoRoot, String dockerfile, String jarInContext, Path jar, Path modelsDir,
                             String baseImage, int port) throws IOException {
        ServerImage image = new ServerImage(newTag(), port, freePort());
        ImageFromDockerfile build = new ImageFromDockerfile(image.tag, true)
                .withFileFromPath("docker/" + dockerfile, repoRoot.resolve("docker").resolve(dockerfile))
                .withFileFromPath(jarInContext, jar)
                .withFileFromPath("models", modelsDir)
                .withDockerfilePath("docker/" + dockerfile);
        if (baseImage != null) {
            build.withBuildArg("BASE_IMAGE", baseImage);
        }
        return image.run(build, "docker/" + dockerfile + " (base " + baseImage + ")");
    }

    /**
     * Builds docker/{@code dockerfile} from the repository paths it copies ({@code contextPaths}, files or
     * directories) with build arguments, on the host network (so a build stage reaches a mirror on 127.0.0.1).
     */
    static ServerImage buildFromSource(Path repoRoot, String dockerfile, List<String> contextPaths,
                                       Map<String, String> buildArgs, int port) throws IOException {
        ServerImage image = new ServerImage(newTag(), port, freePort());
        ImageFromDockerfile build = new ImageFromDockerfile(image.tag, true)
                .withFileFromPath("docker/" + dockerfile, repoRoot.resolve("docker").resolve(dockerfile))
                .withDockerfilePath("docker/" + dockerfile)
                .withBuildImageCmdModifier(cmd -> cmd.withNetworkMode("host"));
        contextPaths.forEach(p -> build.withFileFromPath(p, repoRoot.resolve(p)));
        buildArgs.forEach(build::withBuildArg);
        return image.run(build, "docker/" + dockerfile + " " + buildArgs);
    }

    private ServerImage run(ImageFromDockerfile build, String what) {
        long start = System.nanoTime();
        try {
            build.get();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("docker build of " + what + " failed: " + e, e);
        }
        buildMillis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("built {} from {} in {} ms", tag, what, buildMillis);
        return this;
    }

    /** How long the image build took. */
    long buildMillis() {
        return buildMillis;
    }

    private static String newTag() {
        return "scorecam-server-it:" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /** Starts the container and waits for the server's "serving on" log line. */
    void start(Duration timeout) {
        start(timeout, Map.of(), Map.of());
    }

    /**
     * Starts a container (removing the one before, if any) with more environment variables and host files
     * copied in (host path to container path, readable by the image's user).
     */
    void start(Duration timeout, Map<String, String> env, Map<Path, String> files) {
        if (container != null) {
            container.stop();
        }
        container = new GenericContainer<>(DockerImageName.parse(tag))
                .withNetworkMode("host")
                .withEnv("SCORECAM_HOST", "127.0.0.1")
                .withEnv("SCORECAM_PORT", Integer.toString(port))
                .withEnv("SCORECAM_METRICS_PORT", Integer.toString(metricsPort))
                // the image's layout is under test, not warm speed: no JIT-aware warm-up (up to 30 s) per container
                .withEnv("SCORECAM_WARMUP_JIT_MAX_MS", "0")
                .withEnv(env)
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("container")))
                .waitingFor(Wait.forLogMessage(LISTENING + "\\n", 1).withStartupTimeout(timeout));
        files.forEach((host, inContainer) -> container.withCopyFileToContainer(MountableFile.forHostPath(host, 0644), inContainer));
        long start = System.nanoTime();
        container.start();
        LOG.info("container {} serving on 127.0.0.1:{} after {} ms", shortId(), port, (System.nanoTime() - start) / 1_000_000);
    }

    int port() {
        return port;
    }

    int metricsPort() {
        return metricsPort;
    }

    /** The image's HEALTHCHECK command (exec form), as built. */
    List<String> healthCheckCommand() {
        var health = docker().inspectImageCmd(tag).exec().getConfig().getHealthcheck();
        if (health == null || health.getTest() == null || health.getTest().isEmpty()) {
            throw new AssertionError("image " + tag + " has no HEALTHCHECK");
        }
        return health.getTest();
    }

    /** Runs a command inside the running container. */
    GenericContainer.ExecResult exec(List<String> command) throws IOException, InterruptedException {
        return container.execInContainer(command.toArray(String[]::new));
    }

    /** {@code docker stop}: SIGTERM, then SIGKILL after {@code timeoutSeconds}; returns the exit code. */
    long stopGracefully(int timeoutSeconds) {
        docker().stopContainerCmd(container.getContainerId()).withTimeout(timeoutSeconds).exec();
        InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(container.getContainerId()).exec().getState();
        return state.getExitCodeLong() == null ? -1 : state.getExitCodeLong();
    }

    @Override
    public void close() {
        if (container != null) {
            try {
                container.stop();
            } catch (RuntimeException e) {
                LOG.warn("could not remove container {}: {}", shortId(), e.toString());
            }
        }
        try {
            docker().removeImageCmd(tag).withForce(true).exec();
        } catch (RuntimeException e) {
            LOG.warn("could not remove image {}: {}", tag, e.toString());
        }
    }

    private String shortId() {
        String id = container == null ? null : container.getContainerId();
        return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    /** A port free on the loopback now (host networking: the container binds it directly). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
