package io.scorecam.server.stream;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import io.scorecam.server.lifecycle.Readiness;

/**
 * First stop of every HTTP/2 request: refuses calls while the server starts or shuts down (UNAVAILABLE, with
 * the reason) and calls without the bearer token when one is configured (UNAUTHENTICATED). Health checks stay
 * open so load balancers and orchestrators can probe without the secret; reflection stays open while starting
 * so tools can list services. Everything else goes to the gRPC server.
 */
final class CallGate implements Handler<HttpServerRequest> {
    private static final String HEALTH_PREFIX = "/grpc.health.v1.Health/";
    private static final String REFLECTION_PREFIX = "/grpc.reflection.";

    private final Handler<HttpServerRequest> next;
    private final byte[] expectedAuth;
    private final Readiness readiness;

    /**
     * @param authToken null: no authentication
     * @param readiness not SERVING: new calls (but health checks) get UNAVAILABLE with the reason
     */
    CallGate(Handler<HttpServerRequest> next, String authToken, Readiness readiness) {
        this.next = next;
        this.expectedAuth = authToken == null ? null : ("Bearer " + authToken).getBytes(StandardCharsets.UTF_8);
        this.readiness = readiness;
    }

    @Override
    public void handle(HttpServerRequest req) {
        boolean health = req.path().startsWith(HEALTH_PREFIX);
        Readiness.State state = readiness.state();
        if (!health && !state.serving() && !(state.phase() == Readiness.Phase.STARTING
                && req.path().startsWith(REFLECTION_PREFIX))) {
            refuse(req, 14, state.phase() == Readiness.Phase.DRAINING ? "server is shutting down"
                    : "server is not serving yet: " + state.reason());
        } else if (expectedAuth != null && !health && !authorized(req.getHeader("authorization"))) {
            refuse(req, 16, req.getHeader("authorization") == null
                    ? "missing 'authorization: Bearer <token>' metadata"
                    : "invalid bearer token");
        } else {
            next.handle(req);
        }
    }

    private boolean authorized(String header) {
        // constant-time compare: the token must not leak through timing
        return header != null && MessageDigest.isEqual(expectedAuth, header.getBytes(StandardCharsets.UTF_8));
    }

    /** A trailers-only gRPC response: HTTP 200 with grpc-status in the only HEADERS frame. */
    private static void refuse(HttpServerRequest req, int grpcStatus, String message) {
        req.response()
                .setStatusCode(200)
                .putHeader("content-type", "application/grpc")
                .putHeader("grpc-status", Integer.toString(grpcStatus))
                .putHeader("grpc-message", message.replace("%", "%25"))
                .end();
    }
}
