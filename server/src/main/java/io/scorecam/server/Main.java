package io.scorecam.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.ScoreCamEngine;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.model.ModelRepository;
import io.scorecam.server.stream.MapImagesEncoder;
import io.scorecam.server.stream.ScoreCamServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code java -jar scorecam-server.jar [flags]}: parse flags, load the models, serve until SIGTERM. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        // nothing may be downloaded at run time (DJL would otherwise look for a second engine)
        System.setProperty("ai.djl.onnx.disable_alternative", System.getProperty("ai.djl.onnx.disable_alternative", "true"));
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        try {
            run(args);
        } catch (ConfigException | ScoreCamException e) {
            System.err.println("scorecam-server: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("scorecam-server: could not start: " + e);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        ServerConfig config = ServerConfig.parse(args);
        if (config.helpRequested()) {
            System.out.print(ServerConfig.usage());
            return;
        }
        if (config.versionRequested()) {
            System.out.print(ServerConfig.version());
            return;
        }
        if (!Files.isDirectory(config.modelDir())) {
            throw new ConfigException("--model-dir '" + config.modelDir().toAbsolutePath()
                    + "' is not a directory (set --model-dir or SCORECAM_MODEL_DIR)");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InferenceBackend backend = buildBackend(config);
        Explainer engine;
        try {
            engine = buildEngine(config, backend, registry);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        ScoreCamServer server;
        try {
            server = ScoreCamServer.start(config, engine, new MapImagesEncoder(), registry)
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            engine.close();
            backend.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigException("cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.shutdown().toCompletionStage().toCompletableFuture()
                        .get(config.gracePeriodMs() + 10_000, TimeUnit.MILLISECONDS);
                backend.close();
            } catch (Exception e) {
                System.err.println("scorecam-server: shutdown did not finish cleanly: " + e);
            }
        }, "scorecam-shutdown"));
        String models = engine.models().stream()
                .map(m -> m.isDefault() ? m.name() + " (default)" : m.name())
                .collect(Collectors.joining(", "));
        LOG.info("scorecam-server listening on {}:{} ({}{}), metrics {}, models: {}",
                config.host(), server.port(), config.tlsEnabled() ? "TLS" : "plaintext",
                config.authToken() != null ? ", bearer token required" : "",
                server.metricsPort() > 0 ? "on :" + server.metricsPort() + "/metrics" : "off", models);
    }

    /** The one place the backend is built: ORT threads are split between the batch workers. */
    public static InferenceBackend buildBackend(ServerConfig config) {
        return new DjlOrtBackend(BackendOptions.forWorkers(DeviceSpec.parse(config.device()), config.workers()));
    }

    /** The one place the engine is built: it reads what it needs from the config and registers its meters. */
    public static Explainer buildEngine(ServerConfig config, InferenceBackend backend, MeterRegistry registry) {
        EngineOptions options = new EngineOptions(config.batchSize(), Math.round(config.maxDelayMs() * 1000),
                config.workers(), config.cacheBytes(), config.defaultModel(), EngineOptions.defaults().fasterChannels());
        return ScoreCamEngine.load(ModelRepository.scan(config.modelDir()), backend, options, registry);
    }

}
