package io.scorecam.server.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.server.lifecycle.JitQuiet;
import io.scorecam.server.lifecycle.ModelStates;
import io.scorecam.server.lifecycle.Readiness;
import io.scorecam.server.logging.EventLog;
import io.scorecam.server.tracing.FrameTracer;
import io.scorecam.server.metrics.MetricsServer;
import io.scorecam.server.metrics.NvidiaSmiProbe;
import io.scorecam.server.metrics.ProcessMetrics;
import io.scorecam.server.metrics.ServerMetrics;
import io.scorecam.server.web.WebServer;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running server: the gRPC endpoint (ExplainService, health, reflection) on --event-loops listeners
 * sharing one port, and the metrics endpoint. {@link #listen} opens the ports at once with health NOT_SERVING;
 * {@link #serve} connects the loaded explainer and turns it SERVING ({@link #start} does both, for tests).
 * {@link #shutdown} is the graceful stop used on SIGTERM. The server owns the explainer once it serves it and
 * closes it last. The product assembles it in {@code io.scorecam.server.assembly.ServerAssembler}.
 */
public final class ScoreCamServer {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreCamServer.class);
    /** The JIT-aware warm-up's window: a few compile tasks' worth, short against the tens of seconds it settles in. */
    static final long JIT_WINDOW_MS = 2000;

    private final Vertx vertx;
    private final ServerConfig config;
    private final ExecutorService codec;
    private final CallRegistry calls;
    private final Readiness readiness;
    private final ModelStates modelStates;
    private final MapEncoder encoder;
    private final ServerMetrics metrics;
    private final ExplainCalls explainCalls;
    private final FrameBudget budget;
    private final WarmUpKey warmUpKey = new WarmUpKey();
    private final List<HttpServer> listeners = new CopyOnWriteArrayList<>();
    private volatile MetricsServer metricsServer;
    private volatile WebServer webServer;
    private final LivePath livePath = new LivePath();
    private final ProcessMetrics processMetrics;
    private final EventLog eventLog;
    private final FrameTracer tracer;
    private Explainer explainer;
    private volatile FrameProcessor warmPath;
    private volatile JitQuiet.CompileTime jitSource = JitQuiet.CompileTime.ofThisJvm();
    private volatile long jitWindowMs = JIT_WINDOW_MS;
    private Future<Void> shutdown;

    private ScoreCamServer(Vertx vertx, ServerConfig config, MapEncoder encoder, MeterRegistry registry,
                           Readiness readiness, FrameTracer tracer, ModelStates modelStates) {
        this.modelStates = modelStates;
        this.vertx = vertx;
        this.tracer = tracer;
        this.config = config;
        this.encoder = encoder;
        this.readiness = readiness;
        this.codec = Executors.newFixedThreadPool(config.codecThreads(), daemonThreads("scorecam-codec-"));
        this.calls = new CallRegistry();
        this.metrics = new ServerMetrics(registry);
        this.processMetrics = ProcessMetrics.bind(registry, config.gpuMetricsCommand()
                .map(command -> new NvidiaSmiProbe(command, Duration.ofSeconds(5))).orElse(null));
        this.eventLog = new EventLog(config.logLevel());
        this.explainCalls = new ExplainCalls(vertx, calls, metrics, config.streamWindow(), config.maxMessageBytes(),
                codec, config.maxStreams(), warmUpKey);
        this.budget = new FrameBudget(config.frameMemory(), config.admissionWaitMs());
    }

    /** {@link #start(ServerConfig, Explainer, MapEncoder, MeterRegistry)} with the product's PNG/JPEG encoder. */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MeterRegistry registry) {
        return start(config, explainer, new MapImagesEncoder(), registry);
    }

    /** Listens, then serves the (already loaded) explainer at once, without warm-up: for tests. */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MapEncoder encoder,
                                               MeterRegistry registry) {
        return start(config, explainer, encoder, registry, FrameTracer.from(config.tracing()));
    }

    /** As {@link #start(ServerConfig, Explainer, MapEncoder, MeterRegistry)} with a given tracer (tests). */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MapEncoder encoder,
                                               MeterRegistry registry, FrameTracer tracer) {
        return listen(config, encoder, registry, new Readiness(), tracer)
                .compose(server -> server.serve(explainer, 0).map(server));
    }

    /**
     * Starts listening on {@code config.host():config.port()} (port 0: a free one, see {@link #port()}) with
     * health NOT_SERVING and ExplainService calls refused (UNAVAILABLE, with the reason) until {@link #serve}.
     * The metrics endpoint starts too when {@code config.metricsEnabled()} and the registry is a
     * {@link PrometheusMeterRegistry}.
     */
    public static Future<ScoreCamServer> listen(ServerConfig config, MapEncoder encoder, MeterRegistry registry,
                                                Readiness readiness) {
        return listen(config, encoder, registry, readiness, FrameTracer.from(config.tracing()));
    }

    /** As {@link #listen(ServerConfig, MapEncoder, MeterRegistry, Readiness)}; the server owns and closes {@code tracer}. */
    public static Future<ScoreCamServer> listen(ServerConfig config, MapEncoder encoder, MeterRegistry registry,
                                                Readiness readiness, FrameTracer tracer) {
        return listen(config, encoder, registry, readiness, tracer, new ModelStates());
    }

    /**
     * As {@link #listen(ServerConfig, MapEncoder, MeterRegistry, Readiness, FrameTracer)}, with the per-model
     * readiness the model repository keeps (ListModels' states, one health name per model).
     */
    public static Future<ScoreCamServer> listen(ServerConfig config, MapEncoder encoder, MeterRegistry registry,
                                                Readiness readiness, FrameTracer tracer, ModelStates modelStates) {
        ScoreCamServer server = new ScoreCamServer(Vertx.vertx(), config, encoder, registry, readiness, tracer,
                modelStates);
        if (config.tlsEnabled()) {
            try {
                TlsKeyCheck.verify(server.vertx, pemOptions(config));
            } catch (RuntimeException e) {
                server.codec.shutdownNow();
                server.tracer.close();
                return server.vertx.close().transform(ar -> Future.failedFuture(e));
            }
        }
        // Vert.x shares one listening socket among the instances and spreads connections over their loops;
        // it cannot share an ephemeral port (each instance would get its own), so port 0 gets one listener
        int instances = config.port() == 0 ? 1 : config.eventLoops();
        return server.deployListeners(instances)
                .compose(port -> config.metricsEnabled() && registry instanceof PrometheusMeterRegistry p
                        ? MetricsServer.start(server.vertx, p, readiness, config.host(), config.metricsPort())
                        : Future.<MetricsServer>succeededFuture(null))
                .compose(ms -> {
                    server.metricsServer = ms;
                    return config.webEnabled()
                            ? WebServer.start(server.vertx, server.livePath, server.metrics, config.host(),
                                    config.webPort(), config.authToken(), config.maxMessageBytes())
                            : Future.<WebServer>succeededFuture(null);
                })
                .map(web -> {
                    server.webServer = web;
                    return server;
                })
                .onFailure(e -> {
                    server.tracer.close();
                    server.processMetrics.close();
                    server.codec.shutdownNow();
                    server.vertx.close();
                });
    }

    /**
     * Connects the loaded explainer (the server owns it from now on), warms the whole frame path up for at
     * most {@code warmupMs} (decode, every method the models offer, encode: a fresh JIT would make the first
     * seconds slow), then turns health SERVING. If the server is shutting down meanwhile, the explainer is
     * closed with it and the future still succeeds.
     */
    public Future<Void> serve(Explainer loaded, long warmupMs) {
        synchronized (this) {
            if (explainer != null) {
                return Future.failedFuture(new IllegalStateException("already serving an explainer"));
            }
            explainer = loaded;
            if (shutdown != null) {
                return shutdown.recover(e -> Future.succeededFuture()).compose(v -> vertx.executeBlocking(() -> {
                    loaded.close();
                    return null;
                })).mapEmpty();
            }
        }
        metrics.bindQueueDepth(loaded::queuedItems);
        if (modelStates.isEmpty()) { // a fixed model list (tests): every model is ready
            loaded.models().forEach(m -> modelStates.set(new ModelStates.ModelState(m.name(),
                    ModelStates.State.READY, "", "", 1)));
        }
        ModelCatalog catalog = new ModelCatalog(loaded.models(), modelStates);
        modelStates.onChange(model -> catalog.update(loaded.models())); // reloads: ListModels follows
        RequestConverter.Limits limits = new RequestConverter.Limits(config.maxClasses(), config.maxResponseBytes());
        FrameProcessor processor = new FrameProcessor(new RequestConverter(new ImageDecoder(config.maxPixels()),
                catalog, limits), new ResponseBuilder(encoder), loaded, codec, metrics, budget, eventLog, tracer);
        // warm-up frames go through the same path but are counted in no client series, logged nowhere
        ServerMetrics warmMetrics = new ServerMetrics(new SimpleMeterRegistry());
        FrameProcessor warmPath = new FrameProcessor(new RequestConverter(new ImageDecoder(config.maxPixels()),
                catalog, limits), new ResponseBuilder(encoder), loaded, codec, warmMetrics, budget, null);
        explainCalls.attach(new ExplainCalls.Engine(processor, catalog, warmPath, warmMetrics));
        livePath.attach(processor, catalog); // the viewer's frames take the streams' path
        this.warmPath = warmPath;
        return warmUp(loaded.models(), warmupMs).transform(ar -> {
            String jit = ar.succeeded() && ar.result() != null ? " (" + ar.result().describe() + ")" : "";
            readiness.serving(loaded.models().size() + " model(s) loaded" + (warmupMs > 0 ? " and warmed up" : "") + jit);
            return Future.<Void>succeededFuture();
        });
    }

    /**
     * The load-time warm-up: frames through the frame path in process ({@link WarmUp}), then, for
     * --warmup-transport-percent of the budget, the pairs it found fast through the gRPC port
     * ({@link TransportWarmUp}), then, while the JIT still compiles, more of them for at most
     * --warmup-jit-max-ms ({@link JitWarmUp}). Never fails; completes with the JIT phase's last verdict.
     */
    private Future<JitQuiet.Check> warmUp(List<ModelDescription> models, long warmupMs) {
        if (warmupMs <= 0) {
            return Future.succeededFuture();
        }
        long transportMs = warmupMs * config.warmupTransportPercent() / 100;
        WarmUpFrames frames = new WarmUpFrames();
        WarmUp inProcess = new WarmUp(warmPath, models, readiness, null, frames);
        Map<String, String> headers = new HashMap<>(Map.of(WarmUpKey.HEADER, warmUpKey.value()));
        if (config.authToken() != null) {
            headers.put("authorization", "Bearer " + config.authToken());
        }
        TransportWarmUp transport = TransportWarmUp.of(vertx, config, port(), headers, frames); // each run its own client
        return Future.fromCompletionStage(inProcess.run(warmupMs - transportMs, warmupMs)).compose(v -> {
            metrics.warmUpFrames("in_process", inProcess.answered());
            if (transportMs <= 0 || readiness.state().phase() != Readiness.Phase.STARTING) {
                return Future.<Void>succeededFuture();
            }
            readiness.starting("warming up the transport: frames through port " + port() + " for " + transportMs + " ms");
            return transport.run(inProcess.fastPairs(), transportMs)
                    .map(r -> {
                        metrics.warmUpFrames("transport", r.frames());
                        return (Void) null;
                    });
        }).compose(v -> new JitWarmUp(WarmUp.judgingEachPair(warmPath, models, frames), Math.max(warmupMs, JIT_WINDOW_MS),
                transport, readiness, metrics)
                .run(new JitQuiet(jitSource, System::nanoTime, Runtime.getRuntime().availableProcessors(),
                        config.warmupJitMaxMs(), jitWindowMs, config.warmupJitQuietShare())));
    }

    /** Tests: the JIT-aware warm-up reads this compile time, in windows of this length. Set before {@link #serve}. */
    void jitSource(JitQuiet.CompileTime source, long windowMillis) {
        this.jitSource = source;
        this.jitWindowMs = windowMillis;
    }

    public Readiness readiness() {
        return readiness;
    }

    /**
     * Warms a model version up before it is served (hot reload): the start-up warm-up's frames, for at most
     * {@code budgetMs}, on that version only; the server's own readiness is left alone. Never fails.
     */
    public CompletableFuture<Void> warmUp(ModelLease version, long budgetMs) {
        FrameProcessor path = warmPath;
        if (path == null || budgetMs <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return new WarmUp(path, List.of(version.description()), new Readiness(), ModelPins.fixed(version),
                new WarmUpFrames()).run(budgetMs);
    }

    /** Per-model readiness (ListModels, per-model health names). */
    public ModelStates modelStates() {
        return modelStates;
    }

    /** The JSON event log (failed frames, ended calls, model loads). */
    public EventLog eventLog() {
        return eventLog;
    }

    /** {@code instances} HTTP/2 listeners, each with its own gRPC router and event loop; returns the bound port. */
    private Future<Integer> deployListeners(int instances) {
        java.util.function.Supplier<Deployable> listener = () -> context -> {
            GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(config.maxMessageBytes()));
            // the server ("") and the service answer alike: NOT_SERVING while starting and draining
            grpc.addService(explainCalls);
            grpc.addService(new ServerHealth(vertx, readiness, modelStates));
            grpc.addService(new StreamingReflectionService());
            CallGate gate = new CallGate(grpc, config.authToken(), readiness, config.maxHeaderBytes(), warmUpKey);
            return vertx.createHttpServer(httpOptions(config)).requestHandler(gate).listen(config.port(), config.host())
                    .onSuccess(listeners::add);
        };
        return vertx.deployVerticle(listener, new DeploymentOptions().setInstances(instances)).compose(id -> {
            long ports = listeners.stream().mapToInt(HttpServer::actualPort).distinct().count();
            return ports == 1 ? Future.succeededFuture(port())
                    : Future.failedFuture("listeners bound " + ports + " different ports");
        });
    }

    private static HttpServerOptions httpOptions(ServerConfig config) {
        HttpServerOptions o = new HttpServerOptions()
                .setInitialSettings(new Http2Settings().setInitialWindowSize(config.http2StreamWindow())
                        .setMaxHeaderListSize(config.http2MaxHeaderListSize())
                        .setMaxFrameSize(config.http2MaxFrameSize()))
                .setHttp2ConnectionWindowSize(config.http2ConnectionWindow());
        if (config.tlsEnabled()) {
            o.setSsl(true).setUseAlpn(true).setKeyCertOptions(pemOptions(config));
        }
        return o;
    }

    private static PemKeyCertOptions pemOptions(ServerConfig config) {
        return new PemKeyCertOptions().setCertPath(config.tlsCert().toString()).setKeyPath(config.tlsKey().toString());
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The gRPC port actually bound. */
    public int port() {
        return listeners.get(0).actualPort();
    }

    /** The live viewer's port actually bound, or -1 when it is off (--web-port off). */
    public int webPort() {
        WebServer web = webServer;
        return web == null ? -1 : web.port();
    }

    /** The metrics port actually bound, or -1 when metrics are off. */
    public int metricsPort() {
        MetricsServer ms = metricsServer;
        return ms == null ? -1 : ms.port();
    }

    /** Calls in progress (streams and unary Explain calls). */
    public int activeCalls() {
        return calls.size();
    }

    /**
     * Graceful stop: health turns NOT_SERVING and new calls get UNAVAILABLE; streams stop reading and their
     * frames already taken are answered, for at most --grace-period-ms; then the remaining calls end with
     * UNAVAILABLE, the listeners close and the explainer is closed. Idempotent.
     */
    public synchronized Future<Void> shutdown() {
        if (shutdown != null) {
            return shutdown;
        }
        readiness.draining("shutting down: draining " + calls.size() + " call(s) for at most "
                + config.gracePeriodMs() + " ms");
        Promise<Void> graceOver = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, config.gracePeriodMs()), id -> graceOver.tryComplete());
        calls.drainAll().onComplete(ar -> {
            vertx.cancelTimer(timer);
            graceOver.tryComplete();
        });
        shutdown = graceOver.future()
                .compose(v -> {
                    if (calls.size() > 0) {
                        LOG.warn("grace period over: closing {} call(s) with UNAVAILABLE", calls.size());
                    }
                    calls.forceCloseAll();
                    // ending a call is immediate; the bound only guards against a call that never reports
                    return calls.drainAll().timeout(2, TimeUnit.SECONDS);
                })
                .transform(ar -> webServer == null ? Future.succeededFuture() : webServer.close())
                .transform(ar -> Future.join(listeners.stream().map(l -> l.shutdown(1, TimeUnit.SECONDS)).toList()))
                .transform(ar -> metricsServer == null ? Future.succeededFuture() : metricsServer.close())
                .transform(ar -> vertx.executeBlocking(() -> {
                    processMetrics.close();
                    Explainer served;
                    synchronized (this) {
                        served = explainer;
                    }
                    if (served != null) {
                        served.close();
                    }
                    codec.shutdownNow();
                    eventLog.close(); // after the last call ended: its end line is written
                    tracer.close(); // and its frames' spans are exported
                    return null;
                }))
                .transform(ar -> vertx.close());
        return shutdown;
    }
}
