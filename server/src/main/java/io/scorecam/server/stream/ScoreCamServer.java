package io.scorecam.server.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainServiceGrpcService;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.engine.Explainer;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.metrics.MetricsServer;
import io.scorecam.server.metrics.ServerMetrics;
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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running server: the gRPC endpoint (ExplainService, health, reflection) and the metrics endpoint.
 * Start one in-process with {@link #start}; {@link #shutdown} is the graceful stop used on SIGTERM.
 * The server owns the explainer from then on and closes it last.
 */
public final class ScoreCamServer {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreCamServer.class);

    private final Vertx vertx;
    private final ServerConfig config;
    private final Explainer explainer;
    private final ExecutorService codec;
    private final CallGate gate;
    private final CallRegistry calls;
    private final HttpServer http;
    private final MetricsServer metricsServer;
    private volatile boolean serving = true;
    private Future<Void> shutdown;

    private ScoreCamServer(Vertx vertx, ServerConfig config, Explainer explainer, ExecutorService codec,
                           CallGate gate, CallRegistry calls, HttpServer http, MetricsServer metricsServer) {
        this.vertx = vertx;
        this.config = config;
        this.explainer = explainer;
        this.codec = codec;
        this.gate = gate;
        this.calls = calls;
        this.http = http;
        this.metricsServer = metricsServer;
    }

    /** {@link #start(ServerConfig, Explainer, MapEncoder, MeterRegistry)} with the product's PNG/JPEG encoder. */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MeterRegistry registry) {
        return start(config, explainer, new MapImagesEncoder(), registry);
    }

    /**
     * Starts listening on {@code config.host():config.port()} (port 0: a free one, see {@link #port()}).
     * The metrics endpoint starts too when {@code config.metricsPort() != 0} and the registry is a
     * {@link PrometheusMeterRegistry}.
     */
    public static Future<ScoreCamServer> start(ServerConfig config, Explainer explainer, MapEncoder encoder,
                                               MeterRegistry registry) {
        Vertx vertx = Vertx.vertx();
        ServerMetrics metrics = new ServerMetrics(registry);
        metrics.bindQueueDepth(explainer::queuedItems);
        ExecutorService codec = Executors.newFixedThreadPool(config.codecThreads(), daemonThreads("scorecam-codec-"));
        ModelCatalog catalog = new ModelCatalog(explainer.models());
        FrameProcessor pipeline = new FrameProcessor(new RequestConverter(new ImageDecoder(config.maxPixels())),
                new ResponseBuilder(encoder, catalog), explainer, codec, metrics);
        CallRegistry calls = new CallRegistry();

        GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(config.maxMessageBytes()));
        Holder holder = new Holder();
        HealthService health = HealthService.create(vertx);
        health.register(ExplainServiceGrpcService.SERVICE_NAME, () -> Future.succeededFuture(holder.serving()));
        health.register("", () -> Future.succeededFuture(holder.serving()));
        grpc.addService(new ExplainCalls(vertx, pipeline, catalog, calls, metrics, config.streamWindow(),
                config.maxMessageBytes()));
        grpc.addService(health);
        grpc.addService(new StreamingReflectionService());
        CallGate gate = new CallGate(grpc, config.authToken());

        HttpServer http = vertx.createHttpServer(httpOptions(config)).requestHandler(gate);
        Future<MetricsServer> metricsStarted = config.metricsPort() != 0 && registry instanceof PrometheusMeterRegistry p
                ? MetricsServer.start(vertx, p, config.host(), Math.max(0, config.metricsPort()))
                : Future.succeededFuture(null);
        return http.listen(config.port(), config.host())
                .compose(h -> metricsStarted)
                .map(ms -> {
                    ScoreCamServer server = new ScoreCamServer(vertx, config, explainer, codec, gate, calls, http, ms);
                    holder.server = server;
                    return server;
                })
                .onFailure(e -> {
                    codec.shutdownNow();
                    vertx.close();
                });
    }

    /** Lets the health supplier see the server once it exists. */
    private static final class Holder {
        volatile ScoreCamServer server;

        boolean serving() {
            ScoreCamServer s = server;
            return s != null && s.serving;
        }
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

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The gRPC port actually bound. */
    public int port() {
        return http.actualPort();
    }

    /** The metrics port actually bound, or -1 when metrics are off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
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
        gate.close();
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
                .transform(ar -> http.shutdown(1, TimeUnit.SECONDS))
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
