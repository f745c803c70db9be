package io.scorecam.cli.replay;

import io.scorecam.cli.source.Frame;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.cli.source.FrameFeed;
import io.scorecam.cli.source.FrameStream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a source's frames over one ExplainStream as a video: at --fps, at the source's own rate (--realtime),
 * or as fast as the transport takes them. It sends only while gRPC says the stream is ready, so the server's
 * flow control (BLOCK policy) paces it and nothing piles up in client memory; a live source meanwhile keeps
 * only its newest frame.
 */
public final class StreamReplayer {
    private final ExplainServiceGrpc.ExplainServiceStub stub;
    private final ExplainRequest template;
    private final FrameFeed feed;
    private final int loops;
    private final Pacing pacing;
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

    public StreamReplayer(ExplainServiceGrpc.ExplainServiceStub stub, ExplainRequest template, FrameFeed feed,
                          int loops, Pacing pacing, int stream, ReplayStats stats, AnswerListener listener,
                          long idleTimeoutMillis) {
        this.stub = stub;
        this.template = template;
        this.feed = feed;
        this.loops = loops;
        this.pacing = pacing;
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
        long id = 0;
        for (int loop = 0; loop < loops; loop++) {
            try (FrameStream frames = feed.open()) {
                Pacing.Clock clock = pacing.start();
                Frame frame;
                while ((frame = frames.next()) != null) {
                    clock.await(frame);
                    if (!awaitReady(out)) {
                        return; // the call failed; run() reports why
                    }
                    id++;
                    long now = System.nanoTime();
                    inFlight.put(id, new Pending(frame, loop, now));
                    lastProgressNanos = now;
                    stats.sent(now);
                    out.onNext(frame.into(template.toBuilder().setFrameId(id)).build());
                }
                stats.dropped(frames.dropped());
            } catch (RuntimeException e) {
                // the source failed (a camera unplugged, a corrupt file): answers still due are not waited for
                out.cancel("the client's source failed: " + e.getMessage(), e);
                throw e;
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
