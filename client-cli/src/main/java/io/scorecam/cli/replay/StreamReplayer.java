package io.scorecam.cli.replay;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a folder's frames over one ExplainStream as a video: at --fps, or as fast as the transport takes them
 * (fps 0). It sends only while gRPC says the stream is ready, so the server's flow control (BLOCK policy) paces
 * it and nothing piles up in client memory.
 */
public final class StreamReplayer {
    private final ExplainServiceGrpc.ExplainServiceStub stub;
    private final ExplainRequest template;
    private final List<Frame> frames;
    private final int loops;
    private final double fps;
    private final int stream;
    private final ReplayStats stats;
    private final AnswerListener listener;
    private final long idleTimeoutNanos;

    private final Object readiness = new Object();
    private final Map<Long, Pending> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<Throwable> listenerFailure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<ClientCallStreamObserver<ExplainRequest>> requests = new AtomicReference<>();
    /** Last time a frame went out or an answer came in: a server that stops answering must not hang the client. */
    private volatile long lastProgressNanos = System.nanoTime();

    private record Pending(Frame frame, int loop, long sentNanos) {
    }

    public StreamReplayer(ExplainServiceGrpc.ExplainServiceStub stub, ExplainRequest template, List<Frame> frames,
                          int loops, double fps, int stream, ReplayStats stats, AnswerListener listener,
                          long idleTimeoutMillis) {
        this.stub = stub;
        this.template = template;
        this.frames = frames;
        this.loops = loops;
        this.fps = fps;
        this.stream = stream;
        this.stats = stats;
        this.listener = listener;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
    }

    /**
     * Replays every frame {@code loops} times and waits for all answers.
     *
     * @throws io.grpc.StatusRuntimeException when the stream fails as a whole (unreachable, refused, ...)
     * @throws IllegalStateException          when the server ends the stream with frames unanswered, or
     *                                        answers nothing for longer than the idle timeout
     */
    public void run() throws InterruptedException {
        stub.explainStream(new ClientResponseObserver<ExplainRequest, ExplainResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ExplainRequest> r) {
                requests.set(r);
                r.setOnReadyHandler(StreamReplayer.this::wakeSender);
            }

            @Override
            public void onNext(ExplainResponse response) {
                onAnswer(response);
            }

            @Override
            public void onError(Throwable t) {
                failure.compareAndSet(null, t);
                finished.countDown();
                wakeSender();
            }

            @Override
            public void onCompleted() {
                finished.countDown();
                wakeSender();
            }
        });
        ClientCallStreamObserver<ExplainRequest> out = requests.get();
        try {
            send(out);
        } catch (InterruptedException e) {
            out.cancel("interrupted", e);
            throw e;
        }
        while (!finished.await(200, TimeUnit.MILLISECONDS)) {
            checkIdle(out);
        }
        rethrow();
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("the server ended stream " + (stream + 1) + " with " + inFlight.size()
                    + " frame(s) unanswered");
        }
    }

    private void send(ClientCallStreamObserver<ExplainRequest> out) throws InterruptedException {
        long start = System.nanoTime();
        long id = 0;
        for (int loop = 0; loop < loops; loop++) {
            for (Frame frame : frames) {
                if (fps > 0) {
                    long due = start + (long) (id * 1e9 / fps);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                if (!awaitReady(out)) {
                    return; // the call failed; run() reports why
                }
                id++;
                long now = System.nanoTime();
                inFlight.put(id, new Pending(frame, loop, now));
                lastProgressNanos = now;
                stats.sent(now);
                out.onNext(template.toBuilder().setFrameId(id).setEncoded(frame.encoded()).build());
            }
        }
        if (failure.get() == null) {
            out.onCompleted();
        }
    }

    private boolean awaitReady(ClientCallStreamObserver<ExplainRequest> out) throws InterruptedException {
        synchronized (readiness) {
            while (!out.isReady() && failure.get() == null && finished.getCount() > 0) {
                readiness.wait(100); // the timeout only guards against a missed wake-up
                checkIdle(out);
            }
        }
        return failure.get() == null && finished.getCount() > 0;
    }

    private void checkIdle(ClientCallStreamObserver<ExplainRequest> out) {
        long idle = System.nanoTime() - lastProgressNanos;
        if (idle > idleTimeoutNanos) {
            String message = "no answer from the server on stream " + (stream + 1) + " for "
                    + TimeUnit.NANOSECONDS.toSeconds(idle) + " s with " + inFlight.size()
                    + " frame(s) in flight (see --idle-timeout)";
            out.cancel(message, null);
            throw new IllegalStateException(message);
        }
    }

    private void wakeSender() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    private void onAnswer(ExplainResponse response) {
        long now = System.nanoTime();
        lastProgressNanos = now;
        Pending p = inFlight.remove(response.getFrameId());
        if (p == null) {
            failure.compareAndSet(null, Status.INTERNAL
                    .withDescription("answer for frame " + response.getFrameId() + " that was not sent or answered twice")
                    .asRuntimeException());
            return;
        }
        long latency = now - p.sentNanos();
        stats.answered(response, latency, now);
        try {
            listener.answered(stream, p.loop(), p.frame(), response, latency);
        } catch (RuntimeException e) {
            // e.g. the output disk is full: stop this stream and report it, not a stack trace on a gRPC thread
            listenerFailure.compareAndSet(null, e);
            failure.compareAndSet(null, Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException());
            requests.get().cancel("the client cannot keep the results: " + e.getMessage(), e);
            wakeSender();
        }
    }

    private void rethrow() {
        Throwable l = listenerFailure.get();
        if (l instanceof RuntimeException re) {
            throw re;
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
