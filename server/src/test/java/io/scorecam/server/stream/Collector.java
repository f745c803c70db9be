package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainResponse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** TEST ONLY: collects a stream's responses and its final status. */
class Collector implements StreamObserver<ExplainResponse> {
    final List<ExplainResponse> responses = new CopyOnWriteArrayList<>();
    final CountDownLatch done = new CountDownLatch(1);
    volatile Status status;

    @Override
    public void onNext(ExplainResponse r) {
        responses.add(r);
    }

    @Override
    public void onError(Throwable t) {
        status = Status.fromThrowable(t);
        done.countDown();
    }

    @Override
    public void onCompleted() {
        status = Status.OK;
        done.countDown();
    }

    Status await() throws InterruptedException {
        if (!done.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("stream did not end; got " + responses.size() + " responses");
        }
        return status;
    }
}
