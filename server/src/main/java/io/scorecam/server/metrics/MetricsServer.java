package io.scorecam.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** Serves the Prometheus text format at {@code GET /metrics} on its own port. */
public final class MetricsServer {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** @param port 0 picks a free port */
    public static Future<MetricsServer> start(Vertx vertx, PrometheusMeterRegistry registry, String host, int port) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions());
        server.requestHandler(req -> {
            if (req.method() != HttpMethod.GET || !"/metrics".equals(req.path())) {
                req.response().setStatusCode(404).end("only GET /metrics is served here\n");
                return;
            }
            // scraping walks every meter: keep it off the event loop
            vertx.executeBlocking(registry::scrape, false).onComplete(ar -> {
                if (ar.succeeded()) {
                    req.response().putHeader("content-type", CONTENT_TYPE).end(ar.result());
                } else {
                    req.response().setStatusCode(500).end("scrape failed: " + ar.cause().getMessage() + "\n");
                }
            });
        });
        return server.listen(port, host).map(s -> new MetricsServer(s));
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
