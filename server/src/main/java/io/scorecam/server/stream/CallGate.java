package io.scorecam.server.stream;

import io.scorecam.server.errors.Echo;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import io.scorecam.server.lifecycle.Readiness;

/**
 * First stop of every HTTP/2 request: refuses calls whose headers are too large (RESOURCE_EXHAUSTED: that
 * call only, where netty would close the whole connection a little further up), compressed with an encoding
 * the server cannot read (UNIMPLEMENTED), calls while the server starts or shuts down (UNAVAILABLE, with
 * the reason) and calls without the bearer token when one is configured (UNAUTHENTICATED). Health checks stay
 * open so load balancers and orchestrators can probe without the secret; reflection stays open while starting
 * so tools can list services, and so do the server's own warm-up calls ({@link WarmUpKey}). Everything else goes to the gRPC server.
 */
final class CallGate implements Handler<HttpServerRequest> {
    /**
     * Stands in for a missing (or identity) grpc-encoding header on ExplainService calls, so that a message
     * with the compressed flag set reaches {@link MessageReader} named by it: Vert.x's deframer throws on
     * such a message without an encoding, and the call then hangs to its deadline.
     */
    static final String NO_ENCODING = "x-scorecam-no-grpc-encoding";
    private static final String HEALTH_PREFIX = "/grpc.health.v1.Health/";
    private static final String EXPLAIN_PREFIX = "/scorecam.v1.ExplainService/";
    /** HPACK's per-header overhead (RFC 7541 section 4.1), as SETTINGS_MAX_HEADER_LIST_SIZE counts it. */
    private static final int HEADER_OVERHEAD = 32;
    private static final String REFLECTION_PREFIX = "/grpc.reflection.";

    private final Handler<HttpServerRequest> next;
    private final byte[] expectedAuth;
    private final Readiness readiness;
    private final long maxHeaderBytes;
    private final WarmUpKey warmUpKey;

    /**
     * @param authToken null: no authentication
     * @param readiness not SERVING: new calls (but health checks) get UNAVAILABLE with the reason
     * @param maxHeaderBytes largest header list of one call (--max-header-bytes)
     * @param warmUpKey the server's own warm-up calls carry it: let in while starting
     */
    CallGate(Handler<HttpServerRequest> next, String authToken, Readiness readiness, long maxHeaderBytes,
             WarmUpKey warmUpKey) {
        this.warmUpKey = warmUpKey;
        this.next = next;
        this.expectedAuth = authToken == null ? null : ("Bearer " + authToken).getBytes(StandardCharsets.UTF_8);
        this.readiness = readiness;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public void handle(HttpServerRequest req) {
        boolean health = req.path().startsWith(HEALTH_PREFIX);
        Readiness.State state = readiness.state();
        long headerBytes = headerBytes(req);
        String encoding = req.getHeader("grpc-encoding");
        if (headerBytes > maxHeaderBytes) {
            refuse(req, 8, "request headers of " + headerBytes + " bytes are larger than the server's limit of "
                    + maxHeaderBytes + " bytes (--max-header-bytes)");
        } else if (encoding != null && !encoding.equals("identity") && !encoding.equals("gzip")) {
            req.response().putHeader("grpc-accept-encoding", "gzip,identity");
            refuse(req, 12, "grpc-encoding '" + Echo.of(encoding) + "' is not supported; use gzip or identity");
        } else if (!health && !state.serving() && !(state.phase() == Readiness.Phase.STARTING
                && (req.path().startsWith(REFLECTION_PREFIX) || warmUpKey.matches(req.headers())))) {
            refuse(req, 14, state.phase() == Readiness.Phase.DRAINING ? "server is shutting down"
                    : "server is not serving yet: " + state.reason());
        } else if (expectedAuth != null && !health && !authorized(req.getHeader("authorization"))) {
            refuse(req, 16, req.getHeader("authorization") == null
                    ? "missing 'authorization: Bearer <token>' metadata"
                    : "invalid bearer token");
        } else {
            if (!"gzip".equals(encoding) && req.path().startsWith(EXPLAIN_PREFIX)) {
                req.headers().set("grpc-encoding", NO_ENCODING);
            }
            next.handle(req);
        }
    }

    private static long headerBytes(HttpServerRequest req) {
        long total = 0;
        for (var h : req.headers()) {
            total += h.getKey().length() + h.getValue().length() + HEADER_OVERHEAD;
        }
        return total;
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
