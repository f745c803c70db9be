package io.scorecam.server;

import io.scorecam.server.testing.TestCertificates;

import io.scorecam.api.v1.ExplainServiceGrpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void readsTheServersOwnEnvironmentSoOneHealthcheckLineFitsPlaintextAndTls() {
        HealthProbe.Target plain = HealthProbe.Target.of(new String[0], Map.of("SCORECAM_PORT", "7001"));
        assertEquals(new HealthProbe.Target("127.0.0.1", 7001, false), plain);
        HealthProbe.Target tls = HealthProbe.Target.of(new String[0],
                Map.of("SCORECAM_PORT", "7002", "SCORECAM_TLS_CERT", "/etc/scorecam/cert.pem", "SCORECAM_HOST", "0.0.0.0"));
        assertEquals(new HealthProbe.Target("127.0.0.1", 7002, true), tls);
        assertEquals(new HealthProbe.Target("10.1.2.3", 50051, false),
                HealthProbe.Target.of(new String[0], Map.of("SCORECAM_HOST", "10.1.2.3")));
        assertEquals(new HealthProbe.Target("h", 9, false), HealthProbe.Target.of(new String[]{"h:9", "--plaintext"},
                Map.of("SCORECAM_TLS_CERT", "c.pem")));
        assertThrows(IllegalArgumentException.class, () -> HealthProbe.Target.of(new String[]{"nohost"}, Map.of()));
    }

    /** The image's HEALTHCHECK line (no arguments) in a JVM with a TLS server's environment. */
    @Test
    void theHealthcheckCommandPassesOnATlsServer(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Assumptions.assumeTrue(TestCertificates.make(cert, key), "openssl is not available to make a test certificate");
        GrpcServer grpc = GrpcServer.server(vertx);
        HealthService health = HealthService.create(vertx);
        health.register(ExplainServiceGrpc.SERVICE_NAME, () -> Future.succeededFuture(true));
        grpc.addService(health);
        HttpServer tls = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                        .setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString())
                                .setKeyPath(key.toString())))
                .requestHandler(grpc);
        tls.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        Map<String, String> env = Map.of("SCORECAM_PORT", Integer.toString(tls.actualPort()),
                "SCORECAM_TLS_CERT", cert.toString(), "SCORECAM_HOST", "0.0.0.0");
        Probe withTlsEnv = runProbe(env);
        assertEquals(0, withTlsEnv.exit(), withTlsEnv.output());
        assertTrue(withTlsEnv.output().contains("SERVING"), withTlsEnv.output());
        Probe plaintext = runProbe(Map.of("SCORECAM_PORT", Integer.toString(tls.actualPort())));
        assertEquals(1, plaintext.exit(), "plaintext against TLS is not healthy: " + plaintext.output());
    }

    private record Probe(int exit, String output) {
    }

    private static Probe runProbe(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HealthProbe.class.getName()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SCORECAM_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not exit");
        return new Probe(p.exitValue(), out);
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
