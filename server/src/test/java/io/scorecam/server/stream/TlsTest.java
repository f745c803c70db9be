package io.scorecam.server.stream;

import io.scorecam.server.testing.TestCertificates;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** --tls-cert/--tls-key serve gRPC over TLS (a throwaway self-signed certificate made with openssl). */
class TlsTest {

    @Test
    void servesOverTlsWithPemCertificateAndKey(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        boolean made = TestCertificates.make(cert, key);
        assumeTrue(made, "openssl is not available to make a test certificate");

        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--tls-cert=" + cert, "--tls-key=" + key);
        ScoreCamServer server = ScoreCamServer.start(config, new ControllableExplainer(), new TestMapEncoder(),
                new SimpleMeterRegistry()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build()).build();
        try {
            var r = ExplainServiceGrpc.newBlockingStub(channel).explain(Frames.frame(77).build());
            assertEquals(77f, r.getMaps(0).getValues(0));
        } finally {
            channel.shutdownNow();
            server.shutdown().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    /** Issue 16 item 9: a key that is not the certificate's refuses to start, with one line naming both files. */
    @Test
    void aKeyThatDoesNotMatchTheCertificateRefusesToStart(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path otherKey = dir.resolve("other-key.pem");
        boolean made = TestCertificates.make(cert, dir.resolve("key.pem")) && TestCertificates.makeKey(otherKey);
        assumeTrue(made, "openssl is not available to make a test certificate");

        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--tls-cert=" + cert, "--tls-key=" + otherKey);
        var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> ScoreCamServer.start(config, new ControllableExplainer(), new TestMapEncoder(),
                        new SimpleMeterRegistry()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
        Throwable cause = failure.getCause();
        assertEquals(io.scorecam.server.config.ConfigException.class, cause.getClass(), String.valueOf(cause));
        String m = cause.getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.contains("is not the private key of --tls-cert")
                && m.contains(otherKey.toString()) && m.contains(cert.toString()) && !m.contains("\n"), m);
    }
}
