package io.scorecam.cli;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that takes frames and never answers must not hang the client: --idle-timeout ends it with one line. */
class SilentServerTest {
    @Test
    void replayGivesUpAfterTheIdleTimeout(@TempDir Path tmp) throws Exception {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new ExplainServiceGrpc.ExplainServiceImplBase() {
                    @Override
                    public StreamObserver<ExplainRequest> explainStream(StreamObserver<ExplainResponse> responses) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(ExplainRequest value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        };
                    }
                })
                .build().start();
        try {
            Files.write(tmp.resolve("a.png"), TinyPng.bytes());
            Files.write(tmp.resolve("b.png"), TinyPng.bytes());
            Cli cli = Cli.run("replay", tmp.toString(), "--server", "127.0.0.1:" + server.getPort(),
                    "--idle-timeout", "1", "--no-progress");
            assertEquals(1, cli.exitCode(), cli::toString);
            assertTrue(cli.err().contains("no answer from the server on stream 1"), cli::toString);
            assertTrue(cli.err().contains("2 frame(s) in flight"), cli::toString);
            assertEquals(1, cli.err().strip().lines().count(), cli::toString);
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
