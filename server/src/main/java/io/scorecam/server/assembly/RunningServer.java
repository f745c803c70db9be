package io.scorecam.server.assembly;

import io.micrometer.core.instrument.MeterRegistry;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.ScoreCamEngine;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.lifecycle.ModelStates;
import io.scorecam.server.lifecycle.Readiness;
import io.scorecam.server.metrics.ModelMetrics;
import io.scorecam.server.reload.ModelPoller;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.stream.ScoreCamServer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server whose ports are open: models load in the background ({@link #ready()} completes once it is
 * SERVING, or fails with the loading error, health FAILED). {@link #shutdown()} drains it, waits for a load
 * still under way and closes the backend last.
 */
public final class RunningServer implements AutoCloseable {
    private final ServerConfig config;
    private final List<ModelConfig> models;
    private final MeterRegistry registry;
    private final ScoreCamServer server;
    private final Readiness readiness;
    private final ModelMetrics modelMetrics;
    private volatile ModelPoller poller;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> loaderDone = new CompletableFuture<>();
    private volatile InferenceBackend backend;
    private volatile ScoreCamEngine engine;
    private CompletableFuture<Void> shutdown;

    private RunningServer(ServerConfig config, List<ModelConfig> models, MeterRegistry registry,
                          ScoreCamServer server, Readiness readiness, ModelMetrics modelMetrics) {
        this.modelMetrics = modelMetrics;
        this.config = config;
        this.models = models;
        this.registry = registry;
        this.server = server;
        this.readiness = readiness;
    }

    static RunningServer load(ServerConfig config, List<ModelConfig> models, MeterRegistry registry,
                              ScoreCamServer server, Readiness readiness, ModelMetrics modelMetrics) {
        RunningServer running = new RunningServer(config, models, registry, server, readiness, modelMetrics);
        Thread loader = new Thread(running::loadModels, "scorecam-loader");
        loader.setDaemon(true);
        loader.start();
        return running;
    }

    private void loadModels() {
        try {
            readiness.starting("starting the inference backend (" + config.device() + ")");
            backend = ServerAssembler.backend(config);
            // the files' versions are taken before loading: a change made meanwhile is seen by the first scan
            List<ModelPoller.Known> known = models.stream().map(ModelPoller.Known::of).toList();
            long start = System.nanoTime();
            engine = ScoreCamEngine.load(models, backend, ServerAssembler.engineOptions(config), registry,
                    readiness::starting);
            Duration took = Duration.ofNanos((System.nanoTime() - start) / models.size());
            for (ModelPoller.Known k : known) {
                modelMetrics.loaded(k.name(), took); // start-up loads them together: each gets its share
                server.modelStates().set(new ModelStates.ModelState(k.name(), ModelStates.State.READY, "",
                        k.version(), engine.generation(k.name())));
            }
            server.serve(engine, config.warmupMs()).toCompletionStage().toCompletableFuture().join();
            if (readiness.isServing()) {
                startPolling(known);
                ready.complete(null);
            } else {
                ready.completeExceptionally(new IllegalStateException("server stopped while starting: "
                        + readiness.state().reason()));
            }
        } catch (RuntimeException | Error e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            readiness.failed(String.valueOf(cause.getMessage()));
            ready.completeExceptionally(cause);
        } finally {
            loaderDone.complete(null);
        }
    }

    /** Hot reload (--model-poll-seconds > 0): a poller thread follows --model-dir from now on. */
    private synchronized void startPolling(List<ModelPoller.Known> known) {
        if (config.modelPollSeconds() > 0 && shutdown == null) {
            poller = new ModelPoller(config.modelDir(), known, engine, server.modelStates(), modelMetrics,
                    server.eventLog(), version -> server.warmUp(version, config.warmupMs()), config.warmupMs())
                    .start(Duration.ofSeconds(config.modelPollSeconds()));
        }
    }

    /** Completes once health is SERVING; fails with the error that stopped the models from loading. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /**
     * Waits for SERVING.
     *
     * @throws RuntimeException the loading failure as thrown (a ScoreCamException names the model file and problem)
     */
    public RunningServer awaitReady(Duration timeout) {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the models load", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the models did not load within " + timeout.toSeconds() + " s ("
                    + readiness.state().reason() + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause().toString(), e.getCause());
        }
    }

    public ServerConfig config() {
        return config;
    }

    public List<ModelConfig> models() {
        return models;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The gRPC port bound (open from the start). */
    public int port() {
        return server.port();
    }

    /** The metrics port bound, or -1 when metrics are off. */
    public int metricsPort() {
        return server.metricsPort();
    }

    /** The live viewer's port bound, or -1 when it is off (--web-port off). */
    public int webPort() {
        return server.webPort();
    }

    /** 127.0.0.1:port, for clients on this machine. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** The engine, once {@link #ready()}. */
    public ScoreCamEngine engine() {
        ScoreCamEngine e = engine;
        if (e == null || !ready.isDone()) {
            throw new IllegalStateException("the models are not loaded yet: " + readiness.state().reason());
        }
        return e;
    }

    /** The backend, once {@link #ready()}. */
    public InferenceBackend backend() {
        engine();
        return backend;
    }

    public ScoreCamServer server() {
        return server;
    }

    /** Graceful stop (drain for --grace-period-ms); then the engine and the backend are closed. Idempotent. */
    public synchronized CompletableFuture<Void> shutdown() {
        if (shutdown == null) {
            ModelPoller p = poller;
            if (p != null) {
                p.close(); // no new loads; one under way is closed unserved once the engine is closed
            }
            shutdown = server.shutdown().toCompletionStage().toCompletableFuture()
                    .handle((v, e) -> null)
                    // a load under way finishes (or fails) before its backend may be closed
                    .thenCompose(v -> loaderDone.completeOnTimeout(null, config.tuneBudgetMs() + 60_000, TimeUnit.MILLISECONDS))
                    .thenRun(() -> {
                        if (p != null) {
                            p.awaitStopped(Duration.ofMillis(config.tuneBudgetMs() + 60_000));
                        }
                        InferenceBackend b = backend;
                        if (b != null) {
                            b.close();
                        }
                    });
        }
        return shutdown;
    }

    @Override
    public void close() {
        try {
            shutdown().get(config.gracePeriodMs() + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a slow shutdown must not hide the caller's own result
        }
    }
}
