package io.scorecam.server.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainServiceGrpcService;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.metrics.MetricsServer;
import io.scorecam.server.metrics.ServerMetrics;
import io.scorecam.server.web.LiveBackend;
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
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running server: the gRPC endpoint (ExplainService, health, reflection) on --event-loops listeners
 * sharing one port, and the metrics endpoint. Start one in-process with {@link #start}; {@link #shutdown}
 * is the graceful stop used on SIGTERM. The server owns the explainer from then on and closes it last.
 */
public final class ScoreCamServer {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreCamServer.class);

    private final Vertx vertx;
    private final ServerConfig config;
    private final Explainer explainer;
    private final ExecutorService codec;
    private final CallRegistry calls;
    private final List<HttpServer> listeners = new CopyOnWriteArrayList<>();
    private volatile MetricsServer metricsServer;
    private volatile WebServer webServer;
    private volatile boolean serving = true;
    private Future<Void> shutdown;

    private ScoreCamServer(Vertx vertx, ServerConfig config, Explainer explainer, ExecutorService codec) {
        this.vertx = vertx;
        this.config = config;
        this.explainer = explainer;
        this.codec = codec;
        this.calls = new CallRegistry();
    }

    /** {@link #start(ServerConfig, Explainer, MapEncoder, MeterRegistry)} with the product's PNG/JPEG encoder. */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MeterRegistry registry) {
        return start(config, explainer, new MapImagesEncoder(), registry);
    }

    /**
     * Starts listening on {@code config.host():config.port()} (port 0: a free one, see {@link #port()}).
     * The metrics endpoint starts too when {@code config.metricsEnabled()} and the registry is a
     * {@link PrometheusMeterRegistry}.
     */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MapEncoder encoder,
                                               MeterRegistry registry) {
        Vertx vertx = Vertx.vertx();
        ExecutorService codec = Executors.newFixedThreadPool(config.codecThreads(), daemonThreads("scorecam-codec-"));
        ScoreCamServer server = new ScoreCamServer(vertx, config, explainer, codec);
        ServerMetrics metrics = new ServerMetrics(registry);
        metrics.bindQueueDepth(explainer::queuedItems);
        ModelCatalog catalog = new ModelCatalog(explainer.models());
        FrameProcessor processor = new FrameProcessor(new RequestConverter(new ImageDecoder(config.maxPixels())),
                new ResponseBuilder(encoder, catalog), explainer, codec, metrics);
        ExplainCalls explainCalls = new ExplainCalls(vertx, processor, catalog, server.calls, metrics,
                config.streamWindow(), config.maxMessageBytes());

        // Vert.x shares one listening socket among the instances and spreads connections over their loops;
        // it cannot share an ephemeral port (each instance would get its own), so port 0 gets one listener
        int instances = config.port() == 0 ? 1 : config.eventLoops();
        Future<Integer> bound = server.deployListeners(explainCalls, instances);
        return bound
                .compose(port -> config.metricsEnabled() && registry instanceof PrometheusMeterRegistry p
                        ? MetricsServer.start(vertx, p, config.host(), config.metricsPort())
                        : Future.<MetricsServer>succeededFuture(null))
                .compose(ms -> {
                    server.metricsServer = ms;
                    return config.webEnabled()
                            ? WebServer.start(vertx, liveBackend(processor, catalog), metrics, config.host(),
                                    config.webPort(), config.authToken(), config.maxMessageBytes())
                            : Future.<WebServer>succeededFuture(null);
                })
                .map(web -> {
                    server.webServer = web;
                    return server;
                })
                .onFailure(e -> {
                    codec.shutdownNow();
                    vertx.close();
                });
    }

    /** The viewer's frames take the streams' path: same decode, engine, encode and frame metrics. */
    private static LiveBackend liveBackend(FrameProcessor processor, ModelCatalog catalog) {
        return new LiveBackend() {
            @Override
            public java.util.concurrent.CompletableFuture<io.scorecam.api.v1.ExplainResponse> explain(
                    io.scorecam.api.v1.ExplainRequest request, io.scorecam.server.batching.CancellationToken token) {
                return processor.process(request, token, System.nanoTime());
            }

            @Override
            public io.scorecam.api.v1.ListModelsResponse models() {
                return catalog.listing();
            }
        };
    }

    /** {@code instances} HTTP/2 listeners, each with its own gRPC router and event loop; returns the bound port. */
    private Future<Integer> deployListeners(ExplainCalls explainCalls, int instances) {
        java.util.function.Supplier<Deployable> listener = () -> context -> {
            GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(config.maxMessageBytes()));
            HealthService health = HealthService.create(vertx);
            health.register(ExplainServiceGrpcService.SERVICE_NAME, () -> Future.succeededFuture(serving));
            health.register("", () -> Future.succeededFuture(serving));
            grpc.addService(explainCalls);
            grpc.addService(health);
            grpc.addService(new StreamingReflectionService());
            CallGate gate = new CallGate(grpc, config.authToken(), () -> serving);
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
                .setInitialSettings(new Http2Settings().setInitialWindowSize(config.http2StreamWindow()))
                .setHttp2ConnectionWindowSize(config.http2ConnectionWindow());
        if (config.tlsEnabled()) {
            o.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.tlsCert().toString())
                    .setKeyPath(config.tlsKey().toString()));
        }
        return o;
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

    /** The metrics port actually bound, or -1 when metrics are off. */
    public int metricsPort() {
        MetricsServer ms = metricsServer;
        return ms == null ? -1 : ms.port();
    }

    /** The live viewer's port, or -1 when it is off (--web-port 0). */
    public int webPort() {
        WebServer web = webServer;
        return web == null ? -1 : web.port();
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
        serving = false;
        LOG.info("shutting down: draining {} call(s) for at most {} ms", calls.size(), config.gracePeriodMs());
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
                    explainer.close();
                    codec.shutdownNow();
                    return null;
                }))
                .transform(ar -> vertx.close());
        return shutdown;
    }
}
