package io.scorecam.loadtest;

import io.scorecam.server.Main;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.engine.ScoreCamEngine;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.model.ModelRepository;
import io.scorecam.server.stream.ScoreCamServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server in this JVM on an ephemeral loopback port: the product's engine, backend and gRPC server,
 * built from the same flags as {@code scorecam-server}. The benchmark also needs the backend (to measure
 * raw ORT with the server's session settings) and the meter registry (ORT time per batch kind).
 */
public final class InProcessServer implements AutoCloseable {
    private final ServerConfig config;
    private final List<ModelConfig> models;
    private final InferenceBackend backend;
    private final ScoreCamEngine engine;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ScoreCamServer server;

    /**
     * Loads the models (not yet serving: {@link #start()} opens the port).
     *
     * @param modelDir   one model directory (with model.json) or a repository of them
     * @param serverArgs further server flags, e.g. --batch-size=16 (the last occurrence of a flag wins)
     */
    public InProcessServer(Path modelDir, List<String> serverArgs) {
        List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=0",
                "--model-dir=" + modelDir));
        args.addAll(serverArgs);
        this.config = ServerConfig.parse(args.toArray(String[]::new));
        this.models = Files.isRegularFile(modelDir.resolve(ModelConfig.CONFIG_FILE))
                ? List.of(ModelConfig.load(modelDir))
                : ModelRepository.scan(modelDir);
        // as the server's Main: workers x intra-op threads = cores, so batches of different workers never
        // oversubscribe the CPU
        this.backend = Main.buildBackend(config);
        EngineOptions options = new EngineOptions(config.batchSize(), Math.round(config.maxDelayMs() * 1000),
                config.workers(), config.cacheBytes(), config.defaultModel(), EngineOptions.defaults().fasterChannels());
        try {
            this.engine = ScoreCamEngine.load(models, backend, options, registry);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** Opens the gRPC and metrics ports. */
    public void start() throws Exception {
        server = ScoreCamServer.start(config, engine, registry).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    public ServerConfig config() {
        return config;
    }

    public List<ModelConfig> models() {
        return models;
    }

    public InferenceBackend backend() {
        return backend;
    }

    public ScoreCamEngine engine() {
        return engine;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String address() {
        return "127.0.0.1:" + server.port();
    }

    public String metricsUrl() {
        return "http://127.0.0.1:" + server.metricsPort() + "/metrics";
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null) {
                server.shutdown().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } else {
                engine.close();
            }
        } finally {
            backend.close();
        }
    }
}
