package io.scorecam.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live viewer (--web-port): the page and its modules at {@code /}, the served models at {@code /api/models},
 * and one WebSocket per viewer at {@code /live} ({@link LiveSession}). With --auth-token the models and the
 * socket need {@code ?token=...} (the page passes on its own URL's token).
 */
public final class WebServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final LiveBackend backend;
    private final ServerMetrics metrics;
    private final byte[] token;
    private final int maxFrameBytes;
    private final StaticFiles files = new StaticFiles();
    private final Set<LiveSession> sessions = ConcurrentHashMap.newKeySet();
    private HttpServer server;

    private WebServer(Vertx vertx, LiveBackend backend, ServerMetrics metrics, String authToken, int maxFrameBytes) {
        this.vertx = vertx;
        this.backend = backend;
        this.metrics = metrics;
        this.token = authToken == null ? null : authToken.getBytes(StandardCharsets.UTF_8);
        this.maxFrameBytes = maxFrameBytes;
    }

    /** @param port 0 picks a free port */
    public static Future<WebServer> start(Vertx vertx, LiveBackend backend, ServerMetrics metrics, String host, int port,
                                          String authToken, int maxFrameBytes) {
        WebServer web = new WebServer(vertx, backend, metrics, authToken, maxFrameBytes);
        HttpServerOptions options = new HttpServerOptions().setMaxWebSocketMessageSize(maxFrameBytes + 4)
                .setMaxWebSocketFrameSize(Math.min(maxFrameBytes + 4, 1 << 20));
        HttpServer server = vertx.createHttpServer(options)
                .webSocketHandler(web::onSocket)
                .requestHandler(web::onRequest);
        return server.listen(port, host).map(s -> {
            web.server = s;
            return web;
        });
    }

    public int port() {
        return server.actualPort();
    }

    private void onRequest(HttpServerRequest req) {
        if (req.method() != HttpMethod.GET) {
            req.response().setStatusCode(405).end("only GET is served here\n");
            return;
        }
        if ("/api/models".equals(req.path())) {
            if (!authorized(req.getParam("token"))) {
                req.response().setStatusCode(401).end("this server needs ?token=<auth token>\n");
                return;
            }
            req.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                    .end(modelsJson());
            return;
        }
        if ("/favicon.ico".equals(req.path())) {
            req.response().setStatusCode(204).end(); // no icon, and no 404 in the page's console
            return;
        }
        StaticFiles.File f = files.get(req.path());
        if (f == null) {
            req.response().setStatusCode(404).end("not found: " + req.path() + "\n");
            return;
        }
        req.response().putHeader("content-type", f.contentType()).end(f.body());
    }

    private void onSocket(ServerWebSocket ws) {
        if (!"/live".equals(ws.path())) {
            ws.close((short) 1008, "the viewer's socket is /live");
            return;
        }
        String q = ws.query();
        String given = null;
        if (q != null) {
            for (String kv : q.split("&")) {
                if (kv.startsWith("token=")) {
                    given = java.net.URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        if (!authorized(given)) {
            ws.close((short) 1008, "this server needs ?token=<auth token>");
            return;
        }
        LiveSession session = new LiveSession(ws, vertx.getOrCreateContext(), backend, metrics, maxFrameBytes);
        sessions.add(session);
        session.start();
        ws.closeHandler(v -> {
            sessions.remove(session);
            session.closedBySocket();
        });
    }

    private boolean authorized(String given) {
        return token == null || (given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)));
    }

    /** ListModels as the page uses it. */
    private String modelsJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode models = root.putArray("models");
        for (ModelInfo m : backend.models().getModelsList()) {
            ObjectNode n = models.addObject().put("name", m.getName()).put("default", m.getIsDefault())
                    .put("width", m.getInputWidth()).put("height", m.getInputHeight())
                    .put("classes", m.getNumClasses());
            ArrayNode methods = n.putArray("methods");
            for (Method method : m.getMethodsList()) {
                methods.add(method.name());
            }
            n.putArray("labels").addAll(m.getLabelsList().stream().map(JSON.getNodeFactory()::textNode).toList());
        }
        return root.toString();
    }

    /** Closes every viewer and the listener. */
    public Future<Void> close() {
        sessions.forEach(LiveSession::close);
        return server == null ? Future.succeededFuture() : server.close();
    }
}
