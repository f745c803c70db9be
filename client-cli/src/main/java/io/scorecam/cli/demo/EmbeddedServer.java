package io.scorecam.cli.demo;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.errors.ScoreCamException;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The real server, in this JVM, on a free loopback port: assembled by the same {@link ServerAssembler} as
 * {@code scorecam-server}, without metrics. Used by {@code scorecam demo} and by tests.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final RunningServer server;

    private EmbeddedServer(RunningServer server) {
        this.server = server;
    }

    /**
     * Loads every model under {@code modelRepository} and starts serving them on 127.0.0.1; returns once
     * health is SERVING.
     *
     * @param extraFlags further scorecam-server flags (e.g. "--auth-token", "t"); later ones win
     * @throws ScoreCamException or {@link ConfigException} naming the problem with the models or flags
     */
    public static EmbeddedServer start(Path modelRepository, String... extraFlags) {
        // a demo (and a test) starts in seconds: the fixed warm-up only, not the JIT-aware one (up to 30 s more)
        String[] base = {"--model-dir", modelRepository.toString(), "--host", "127.0.0.1", "--port", "0",
                "--metrics-port", "off", "--warmup-jit-max-ms", "0"};
        String[] args = new String[base.length + extraFlags.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extraFlags, 0, args, base.length, extraFlags.length);
        RunningServer server = ServerAssembler.of(ServerConfig.parse(args)).registry(new SimpleMeterRegistry()).start();
        try {
            server.awaitReady(START_TIMEOUT);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return new EmbeddedServer(server);
    }

    public int port() {
        return server.port();
    }

    /** The live viewer's port (with "--web-port", N), or -1 when it is off. */
    public int webPort() {
        return server.webPort();
    }

    /** The server's meters (frames, streams, live viewers, queue depth). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return server.registry();
    }

    /** host:port for clients. */
    public String address() {
        return server.address();
    }

    @Override
    public void close() {
        // drains in-flight frames, then closes the engine and the backend
        server.close();
    }
}
