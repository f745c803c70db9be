package io.scorecam.server.assembly;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.lifecycle.ModelStates;
import io.scorecam.server.lifecycle.Readiness;
import io.scorecam.server.metrics.ModelMetrics;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.model.ModelRepository;
import io.scorecam.server.stream.MapEncoder;
import io.scorecam.server.stream.MapImagesEncoder;
import io.scorecam.server.stream.ScoreCamServer;
import io.scorecam.server.tracing.FrameTracer;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place the server is put together, for {@code Main}, the CLI's embedded server and the load tester's
 * in-process server alike: config -> model list -> ports (open at once, health NOT_SERVING) -> in the
 * background: backend, models loaded and tuned, warm-up -> SERVING. {@link #start()} returns as soon as the
 * ports listen; {@link RunningServer#awaitReady} waits for SERVING or rethrows the loading failure.
 *
 * <p>Where new things plug in: a gRPC service or health name goes in {@code ScoreCamServer.deployListeners};
 * a new port (HTTP, web) is started in {@code ScoreCamServer.listen} next to the metrics server and reads
 * {@link Readiness} for /readyz; a new setting is a flag in {@link ServerConfig} read here or by the server.
 */
public final class ServerAssembler {
    private static final long LISTEN_TIMEOUT_S = 60;

    private final ServerConfig config;
    private MeterRegistry registry;
    private MapEncoder encoder = new MapImagesEncoder();
    private FrameTracer tracer;
    private List<ModelConfig> models;

    private ServerAssembler(ServerConfig config) {
        this.config = config;
    }

    public static ServerAssembler of(ServerConfig config) {
        return new ServerAssembler(config);
    }

    /** Default: a Prometheus registry (what /metrics serves). */
    public ServerAssembler registry(MeterRegistry registry) {
        this.registry = registry;
        return this;
    }

    /** Default: the product's PNG/JPEG encoder. */
    public ServerAssembler encoder(MapEncoder encoder) {
        this.encoder = encoder;
        return this;
    }

    /** Default: from the --otlp-* flags (off unless --otlp-endpoint). The server closes it. */
    public ServerAssembler tracer(FrameTracer tracer) {
        this.tracer = tracer;
        return this;
    }

    /** Default: every model under --model-dir. */
    public ServerAssembler models(List<ModelConfig> models) {
        this.models = List.copyOf(models);
        return this;
    }

    /**
     * Checks the model list (bad model.json or an empty directory fail here, before any port opens), opens the
     * ports and starts loading the models in the background.
     *
     * @throws ConfigException or {@link io.scorecam.server.errors.ScoreCamException} naming the problem
     */
    public RunningServer start() {
        List<ModelConfig> toLoad = models;
        if (toLoad == null) {
            if (!Files.isDirectory(config.modelDir())) {
                throw new ConfigException("--model-dir '" + config.modelDir().toAbsolutePath()
                        + "' is not a directory (set --model-dir or SCORECAM_MODEL_DIR)");
            }
            toLoad = ModelRepository.scan(config.modelDir());
        }
        MeterRegistry meters = registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Readiness readiness = new Readiness();
        readiness.starting("opening ports");
        ModelStates modelStates = new ModelStates();
        ModelMetrics modelMetrics = ModelMetrics.bind(meters, modelStates);
        ScoreCamServer server;
        try {
            server = ScoreCamServer.listen(config, encoder, meters, readiness,
                            tracer != null ? tracer : FrameTracer.from(config.tracing()), modelStates)
                    .toCompletionStage().toCompletableFuture().get(LISTEN_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while opening " + config.host() + ":" + config.port());
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConfigException c) {
                throw c; // names the problem already (e.g. a TLS key that does not match its certificate)
            }
            throw new ConfigException("cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage());
        }
        return RunningServer.load(config, toLoad, meters, server, readiness, modelMetrics);
    }

    /** The backend: ORT threads are split between the batch workers so they never oversubscribe the cores. */
    public static InferenceBackend backend(ServerConfig config) {
        return new DjlOrtBackend(BackendOptions.forWorkers(DeviceSpec.parse(config.device()), config.workers()));
    }

    /** The engine's settings as the flags give them. */
    public static EngineOptions engineOptions(ServerConfig config) {
        return new EngineOptions(config.batchSize(), Math.round(config.maxDelayMs() * 1000), config.workers(),
                config.cacheBytes(), config.defaultModel(), EngineOptions.defaults().fasterChannels(),
                config.tuneBudgetMs());
    }
}
