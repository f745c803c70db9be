package io.scorecam.server;

import io.scorecam.api.v1.ExplainServiceGrpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp scorecam-server.jar io.scorecam.server.HealthProbe [HOST:PORT] [--tls|--plaintext]}: asks the
 * server's grpc.health.v1 Check for the ExplainService and exits 0 only on SERVING. It is the Docker HEALTHCHECK,
 * so an image needs no tool beyond the JRE, and it reads the server's own environment: $SCORECAM_PORT (else
 * 50051), $SCORECAM_HOST (when the server listens on one address rather than all; else 127.0.0.1) and TLS when
 * $SCORECAM_TLS_CERT is set, so the same HEALTHCHECK line works on a plaintext and a TLS server. It names the
 * service, as the Kubernetes probes do (the server's "" answers the same).
 */
public final class HealthProbe {
    private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK = ServiceMethod.client(
            ServiceName.create("grpc.health.v1.Health"), "Check",
            GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));
    /** Under the HEALTHCHECK's --timeout=10s, with room for the JVM to start; a busy host can take seconds for TLS. */
    private static final long TIMEOUT_MS = 8_000;

    private HealthProbe() {
    }

    public static void main(String[] args) {
        Target target;
        try {
            target = Target.of(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("health-probe: " + e.getMessage());
            System.exit(2);
            return;
        }
        String status;
        try {
            status = check(target.host(), target.port(), target.tls());
        } catch (Exception e) {
            status = "UNREACHABLE (" + e.getMessage() + ")";
        }
        System.out.println("health-probe: " + target + " " + status);
        System.exit("SERVING".equals(status) ? 0 : 1);
    }

    /** Where to ask, and how: from the arguments, else from the server's own SCORECAM_* environment. */
    record Target(String host, int port, boolean tls) {
        static Target of(String[] args, Map<String, String> env) {
            String host = env.getOrDefault("SCORECAM_HOST", "").strip();
            if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                host = "127.0.0.1"; // listening on every address: ask on loopback
            }
            String port = env.getOrDefault("SCORECAM_PORT", "50051").strip();
            boolean tls = !env.getOrDefault("SCORECAM_TLS_CERT", "").isBlank();
            for (String arg : args) {
                switch (arg) {
                    case "--tls" -> tls = true;
                    case "--plaintext" -> tls = false;
                    default -> {
                        int colon = arg.lastIndexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("expected HOST:PORT, --tls or --plaintext, got '" + arg + "'");
                        }
                        host = arg.substring(0, colon);
                        port = arg.substring(colon + 1);
                    }
                }
            }
            try {
                return new Target(host, Integer.parseInt(port), tls);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port '" + port + "' is not a number");
            }
        }

        @Override
        public String toString() {
            return host + ":" + port + (tls ? " (TLS)" : "");
        }
    }

    /** The ExplainService's serving status as its enum name. */
    static String check(String host, int port, boolean tls) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            // the probe only ever talks to its own container, so with TLS it need not know the CA; gRPC over TLS
            // is HTTP/2 negotiated by ALPN (without it Vert.x refuses: "Must enable ALPN when using H2")
            HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setSsl(tls).setUseAlpn(tls).setTrustAll(tls).setVerifyHost(false);
            GrpcClient client = GrpcClient.client(vertx, http);
            Future<HealthCheckResponse> answer = client.request(SocketAddress.inetSocketAddress(port, host), CHECK)
                    .compose(req -> {
                        req.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        return req.send(HealthCheckRequest.newBuilder().setService(ExplainServiceGrpc.SERVICE_NAME).build());
                    })
                    .compose(resp -> resp.last());
            return answer.toCompletionStage().toCompletableFuture().get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS)
                    .getStatus().name();
        } finally {
            vertx.close();
        }
    }
}
