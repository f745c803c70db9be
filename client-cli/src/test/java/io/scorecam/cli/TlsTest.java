package io.scorecam.cli;

import io.scorecam.server.testing.TestCertificates;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.api.v1.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** --tls/--ca against a TLS server with a throwaway self-signed certificate (made with openssl; skipped without). */
class TlsTest {
    @Test
    void caFileIsTrustedAndPlaintextOrUntrustedFailInOneLine(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        assumeTrue(TestCertificates.make(cert, key), "openssl is not available to make a test certificate");
        Server server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(cert.toFile(), key.toFile()))
                .addService(new ExplainServiceGrpc.ExplainServiceImplBase() {
                    @Override
                    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
                        responses.onNext(ListModelsResponse.newBuilder().addModels(ModelInfo.newBuilder()
                                .setName("tls-model").setIsDefault(true).setInputWidth(32).setInputHeight(32)).build());
                        responses.onCompleted();
                    }
                })
                .build().start();
        try {
            String address = "localhost:" + server.getPort();
            Cli trusted = Cli.run("models", "--server", address, "--ca", cert.toString());
            assertEquals(0, trusted.exitCode(), trusted::toString);
            assertTrue(trusted.out().contains("tls-model (default)"), trusted::toString);

            for (Cli failed : new Cli[]{Cli.run("models", "--server", address),
                    Cli.run("models", "--server", address, "--tls")}) {
                assertEquals(1, failed.exitCode(), failed::toString);
                assertEquals(1, failed.err().strip().lines().count(), failed::toString);
                assertTrue(failed.errHasNoStackTrace(), failed::toString);
            }

            Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
            Cli bad = Cli.run("models", "--server", address, "--ca", notPem.toString());
            assertEquals(2, bad.exitCode(), bad::toString);
            assertTrue(bad.err().contains("is not a PEM certificate"), bad::toString);
            assertEquals(1, bad.err().strip().lines().count(), bad::toString);
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
