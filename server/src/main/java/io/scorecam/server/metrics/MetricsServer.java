package io.scorecam.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.lifecycle.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.Locale;

/**
 * The HTTP port for operators: {@code GET /metrics} (Prometheus text format), and for probes and load
 * balancers that do not speak gRPC {@code GET /healthz} (liveness: 200 unless start-up failed) and
 * {@code GET /readyz} (200 only while SERVING). Both read the same {@link Readiness} as gRPC health, so
 * they cannot disagree with it; the body names the phase and its reason.
 */
public final class MetricsServer {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** @param port 0 picks a free port */
    public static Future<MetricsServer> start(Vertx vertx, PrometheusMeterRegistry registry, Readiness readiness,
                                              String host, int port) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions());
        server.requestHandler(req -> {
            if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                req.response().setStatusCode(405).putHeader("allow", "GET, HEAD").end();
                return;
            }
            switch (req.path()) {
                case "/metrics" -> scrape(vertx, registry, req);
                case "/healthz" -> probe(req, readiness.state(), readiness.state().phase() != Readiness.Phase.FAILED);
                case "/readyz" -> probe(req, readiness.state(), readiness.state().serving());
                default -> req.response().setStatusCode(404).putHeader("content-type", TEXT)
                        .end("not found: this port serves /metrics, /healthz and /readyz\n");
            }
        });
        return server.listen(port, host).map(s -> new MetricsServer(s));
    }

    private static void scrape(Vertx vertx, PrometheusMeterRegistry registry, HttpServerRequest req) {
        // scraping walks every meter: keep it off the event loop
        vertx.executeBlocking(registry::scrape, false).onComplete(ar -> {
            if (ar.succeeded()) {
                req.response().putHeader("content-type", CONTENT_TYPE).end(ar.result());
            } else {
                req.response().setStatusCode(500).end("scrape failed: " + ar.cause().getMessage() + "\n");
            }
        });
    }

    private static void probe(HttpServerRequest req, Readiness.State state, boolean ok) {
        req.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", TEXT)
                .putHeader("cache-control", "no-store")
                .end(state.phase().name().toLowerCase(Locale.ROOT) + ": " + state.reason() + "\n");
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
