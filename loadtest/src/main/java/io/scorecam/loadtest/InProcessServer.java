package io.scorecam.loadtest;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.ScoreCamEngine;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.model.ModelRepository;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real server in this JVM on an ephemeral loopback port, assembled by the product's {@link ServerAssembler}
 * from the same flags as {@code scorecam-server}. The benchmark also needs the backend (to measure raw ORT
 * with the server's session settings) and the meter registry (ORT time per batch kind).
 */
public final class InProcessServer implements AutoCloseable {
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RunningServer server;

    /**
     * Loads the models and returns once the server is SERVING (loaded, tuned, warmed up).
     *
     * @param modelDir   one model directory (with model.json) or a repository of them
     * @param serverArgs further server flags, e.g. --batch-size=16 (the last occurrence of a flag wins)
     */
    public InProcessServer(Path modelDir, List<String> serverArgs) {
        List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=0",
                "--model-dir=" + modelDir));
        args.addAll(serverArgs);
        ServerConfig config = ServerConfig.parse(args.toArray(String[]::new));
        List<ModelConfig> models = Files.isRegularFile(modelDir.resolve(ModelConfig.CONFIG_FILE))
                ? List.of(ModelConfig.load(modelDir))
                : ModelRepository.scan(modelDir);
        this.server = ServerAssembler.of(config).registry(registry).models(models).start();
        try {
            server.awaitReady(LOAD_TIMEOUT);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public ServerConfig config() {
        return server.config();
    }

    public List<ModelConfig> models() {
        return server.models();
    }

    public InferenceBackend backend() {
        return server.backend();
    }

    public ScoreCamEngine engine() {
        return server.engine();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String address() {
        return server.address();
    }

    public String metricsUrl() {
        return "http://127.0.0.1:" + server.metricsPort() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
