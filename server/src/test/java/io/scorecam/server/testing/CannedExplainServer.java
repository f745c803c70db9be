package io.scorecam.server.testing;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ListModelsResponse;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * TEST ONLY: a grpc-java ExplainService on a free loopback port that answers every Explain and ExplainStream
 * frame with {@code answer(request)} and keeps the requests, for client tests that check what a client sends
 * and how it reports canned answers (server's test-jar: client-cli and loadtest use it).
 */
public final class CannedExplainServer implements AutoCloseable {
    /** Every request received, in arrival order. */
    public final List<ExplainRequest> received = new CopyOnWriteArrayList<>();
    private final Server server;

    private CannedExplainServer(Function<ExplainRequest, ExplainResponse> answer, ListModelsResponse models)
            throws IOException {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new ExplainServiceGrpc.ExplainServiceImplBase() {
                    @Override
                    public void explain(ExplainRequest request, StreamObserver<ExplainResponse> responses) {
                        received.add(request);
                        responses.onNext(answer.apply(request));
                        responses.onCompleted();
                    }

                    @Override
                    public StreamObserver<ExplainRequest> explainStream(StreamObserver<ExplainResponse> responses) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(ExplainRequest request) {
                                received.add(request);
                                responses.onNext(answer.apply(request));
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                responses.onCompleted();
                            }
                        };
                    }

                    @Override
                    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
                        if (models == null) {
                            super.listModels(request, responses); // UNIMPLEMENTED
                            return;
                        }
                        responses.onNext(models);
                        responses.onCompleted();
                    }
                }).build().start();
    }

    /** @param models what ListModels answers; null: ListModels is UNIMPLEMENTED */
    public static CannedExplainServer start(Function<ExplainRequest, ExplainResponse> answer,
                                            ListModelsResponse models) throws IOException {
        return new CannedExplainServer(answer, models);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
