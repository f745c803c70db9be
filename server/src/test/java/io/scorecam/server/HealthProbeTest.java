package io.scorecam.server;

import io.scorecam.api.v1.ExplainServiceGrpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Docker HEALTHCHECK's probe against a Vert.x health service on a loopback port (no ExplainService). */
class HealthProbeTest {
    private final AtomicBoolean serving = new AtomicBoolean(true);
    private Vertx vertx;
    private HttpServer http;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        HealthService health = HealthService.create(vertx);
        health.register(ExplainServiceGrpc.SERVICE_NAME, () -> Future.succeededFuture(serving.get()));
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(health);
        http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(grpc);
        http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void reportsTheServingStatus() throws Exception {
        assertEquals("SERVING", HealthProbe.check("127.0.0.1", http.actualPort(), false));
        serving.set(false);
        assertEquals("NOT_SERVING", HealthProbe.check("127.0.0.1", http.actualPort(), false));
    }

    @Test
    void failsWhenNothingListens() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        int port = closed;
        assertThrows(Exception.class, () -> HealthProbe.check("127.0.0.1", port, false));
    }
}
