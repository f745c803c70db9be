package io.scorecam.dockerit;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One ExplainStream call seen from the client: sends requests as fast as flow control lets it (never more
 * buffered than gRPC's onReady allows), records every response and the call's final status.
 * {@code onResponse} is told the count after each response (on the gRPC thread: it must not block).
 */
final class FrameStream implements ClientResponseObserver<ExplainRequest, ExplainResponse> {
    interface ResponseListener {
        void responses(int count);
    }

    private final Iterator<ExplainRequest> source;
    private final ResponseListener onResponse;
    private final List<ExplainResponse> responses = new ArrayList<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private ClientCallStreamObserver<ExplainRequest> requests;
    private int sent;
    private boolean halfClosed;

    FrameStream(Iterator<ExplainRequest> source, ResponseListener onResponse) {
        this.source = source;
        this.onResponse = onResponse;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ExplainRequest> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(this::pump);
    }

    private synchronized void pump() {
        while (!halfClosed && requests.isReady() && source.hasNext()) {
            requests.onNext(source.next());
            sent++;
        }
        if (!halfClosed && !source.hasNext()) {
            halfClosed = true;
            requests.onCompleted();
        }
    }

    @Override
    public void onNext(ExplainResponse response) {
        int count;
        synchronized (this) {
            responses.add(response);
            count = responses.size();
        }
        onResponse.responses(count);
    }

    @Override
    public void onError(Throwable t) {
        closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        closed.complete(Status.OK);
    }

    /** Completes with the call's final status (OK or the error). */
    CompletableFuture<Status> closed() {
        return closed;
    }

    synchronized List<ExplainResponse> responses() {
        return List.copyOf(responses);
    }

    synchronized int sent() {
        return sent;
    }
}
