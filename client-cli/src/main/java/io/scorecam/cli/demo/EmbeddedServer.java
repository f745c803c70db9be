package io.scorecam.cli.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.server.Main;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.stream.MapImagesEncoder;
import io.scorecam.server.stream.ScoreCamServer;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real server, in this JVM, on a free loopback port: the same config, engine and backend that
 * {@code scorecam-server} builds in {@link Main}, without metrics. Used by {@code scorecam demo} and by tests.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final long START_TIMEOUT_S = 120;

    private final ScoreCamServer server;
    private final InferenceBackend backend;
    private final Explainer engine;
    private final MeterRegistry registry;

    private EmbeddedServer(ScoreCamServer server, InferenceBackend backend, Explainer engine, MeterRegistry registry) {
        this.server = server;
        this.backend = backend;
        this.engine = engine;
        this.registry = registry;
    }

    /**
     * Loads every model under {@code modelRepository} and starts serving them on 127.0.0.1.
     *
     * @param extraFlags further scorecam-server flags (e.g. "--auth-token", "t"); later ones win
     * @throws ScoreCamException or {@link ConfigException} naming the problem with the models or flags
     */
    public static EmbeddedServer start(Path modelRepository, String... extraFlags) {
        String[] base = {"--model-dir", modelRepository.toString(), "--host", "127.0.0.1", "--port", "0",
                "--metrics-port", "off"};
        String[] args = new String[base.length + extraFlags.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extraFlags, 0, args, base.length, extraFlags.length);
        ServerConfig config = ServerConfig.parse(args);
        InferenceBackend backend = Main.buildBackend(config);
        Explainer engine;
        try {
            engine = Main.buildEngine(config, backend, new SimpleMeterRegistry());
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        try {
            MeterRegistry registry = new SimpleMeterRegistry();
            ScoreCamServer server = ScoreCamServer.start(config, engine, new MapImagesEncoder(), registry)
                    .toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
            return new EmbeddedServer(server, backend, engine, registry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(engine, backend);
            throw new IllegalStateException("interrupted while starting the embedded server", e);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(engine, backend);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("the embedded server did not start: " + cause.getMessage(), cause);
        }
    }

    public int port() {
        return server.port();
    }

    /** The live viewer's port (with "--web-port", N), or -1 when it is off. */
    public int webPort() {
        return server.webPort();
    }

    /** The server's meters (frames, streams, live viewers, queue depth). */
    public MeterRegistry registry() {
        return registry;
    }

    /** host:port for clients. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() {
        try {
            // the server closes the engine once in-flight frames are answered
            server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a slow shutdown must not hide the command's own result; the backend is closed below anyway
        } finally {
            backend.close();
        }
    }

    private static void closeQuietly(Explainer engine, InferenceBackend backend) {
        try {
            engine.close();
        } catch (Exception ignored) {
            // already failing: the original error is the one to report
        }
        backend.close();
    }
}
