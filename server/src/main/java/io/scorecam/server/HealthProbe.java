package io.scorecam.server;

import io.scorecam.api.v1.ExplainServiceGrpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;

import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp scorecam-server.jar io.scorecam.server.HealthProbe [HOST:PORT] [--tls]}: asks the server's
 * grpc.health.v1 Check for the ExplainService and exits 0 only on SERVING. It is the Docker HEALTHCHECK, so an
 * image needs no tool beyond the JRE. The default address is 127.0.0.1 and $SCORECAM_PORT (else 50051), like
 * the server's. It names the service, as the Kubernetes probes do (the server's "" answers the same).
 */
public final class HealthProbe {
    private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK = ServiceMethod.client(
            ServiceName.create("grpc.health.v1.Health"), "Check",
            GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));
    private static final long TIMEOUT_MS = 5_000;

    private HealthProbe() {
    }

    public static void main(String[] args) {
        String target = "127.0.0.1:" + System.getenv().getOrDefault("SCORECAM_PORT", "50051");
        boolean tls = false;
        for (String arg : args) {
            if (arg.equals("--tls")) {
                tls = true;
            } else {
                target = arg;
            }
        }
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            System.err.println("health-probe: expected HOST:PORT, got '" + target + "'");
            System.exit(2);
        }
        String status;
        try {
            status = check(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), tls);
        } catch (Exception e) {
            status = "UNREACHABLE (" + e.getMessage() + ")";
        }
        System.out.println("health-probe: " + target + " " + status);
        System.exit("SERVING".equals(status) ? 0 : 1);
    }

    /** The ExplainService's serving status as its enum name. */
    static String check(String host, int port, boolean tls) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            // the probe only ever talks to its own container, so with TLS it need not know the CA
            HttpClientOptions http = new HttpClientOptions().setSsl(tls).setTrustAll(tls).setVerifyHost(false);
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
