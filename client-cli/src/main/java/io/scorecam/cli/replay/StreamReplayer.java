package io.scorecam.cli.replay;

import io.scorecam.cli.source.Frame;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.scorecam.api.support.StreamCuts;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.cli.source.FrameFeed;
import io.scorecam.cli.source.FrameStream;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a source's frames over one ExplainStream as a video: at --fps, at the source's own rate (--realtime),
 * or as fast as the transport takes them. It sends only while gRPC says the stream is ready, so the server's
 * flow control (BLOCK policy) paces it and nothing piles up in client memory; a live source meanwhile keeps
 * only its newest frame.
 *
 * <p>With {@code --reconnect N}, a call that ends UNAVAILABLE (its server was killed or drained), or is cut by a
 * proxy ({@link StreamCuts}), is replaced
 * by a new one, up to N times, which resumes from the first unanswered frame: the frames in flight on the
 * dead call are sent again (same ids, in order), then the source goes on. Every frame is answered once.
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
    private final int maxReconnects;
    private final PrintWriter notices;

    private final Object readiness = new Object();
    private final Map<Long, Pending> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> listenerFailure = new AtomicReference<>();
    private volatile Call call;
    private int reconnects;
    /** Last time a frame went out or an answer came in: a server that stops answering must not hang the client. */
    private volatile long lastProgressNanos = System.nanoTime();

    private record Pending(Frame frame, int loop, long sentNanos) {
    }

    /** One ExplainStream call; callbacks of a replaced call are ignored. */
    private final class Call implements ClientResponseObserver<ExplainRequest, ExplainResponse> {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch finished = new CountDownLatch(1);
        volatile ClientCallStreamObserver<ExplainRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<ExplainRequest> r) {
            requests = r;
            r.setOnReadyHandler(StreamReplayer.this::wakeSender);
        }

        @Override
        public void onNext(ExplainResponse response) {
            if (call == this) {
                onAnswer(this, response);
            }
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

        boolean failed() {
            return failure.get() != null;
        }

        boolean over() {
            return finished.getCount() == 0;
        }
    }

    public StreamReplayer(ExplainServiceGrpc.ExplainServiceStub stub, ExplainRequest template, FrameFeed feed,
                          int loops, Pacing pacing, int stream, ReplayStats stats, AnswerListener listener,
                          long idleTimeoutMillis) {
        this(stub, template, feed, loops, pacing, stream, stats, listener, idleTimeoutMillis, 0, null);
    }

    /**
     * @param maxReconnects UNAVAILABLE calls replaced at most this many times (0: a failed call fails the replay)
     * @param notices       where a reconnect is reported (stderr), or null
     */
    public StreamReplayer(ExplainServiceGrpc.ExplainServiceStub stub, ExplainRequest template, FrameFeed feed,
                          int loops, Pacing pacing, int stream, ReplayStats stats, AnswerListener listener,
                          long idleTimeoutMillis, int maxReconnects, PrintWriter notices) {
        this.stub = stub;
        this.template = template;
        this.feed = feed;
        this.loops = loops;
        this.pacing = pacing;
        this.stream = stream;
        this.stats = stats;
        this.listener = listener;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.maxReconnects = maxReconnects;
        this.notices = notices;
    }

    /**
     * Replays every frame {@code loops} times and waits for all answers.
     *
     * @throws io.grpc.StatusRuntimeException when the stream fails as a whole (unreachable, refused, ...)
     * @throws IllegalStateException          when the server ends the stream with frames unanswered, or
     *                                        answers nothing for longer than the idle timeout
     */
    public void run() throws InterruptedException {
        open();
        try {
            send();
        } catch (InterruptedException e) {
            call.requests.cancel("interrupted", e);
            throw e;
        }
        while (true) {
            Call c = call;
            while (!c.finished.await(200, TimeUnit.MILLISECONDS)) {
                checkIdle(c);
            }
            if (!canReconnect(c)) {
                break;
            }
            reconnect(c);
            call.requests.onCompleted(); // the source is done: the new call only carries the resent frames
        }
        rethrow(call);
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("the server ended stream " + (stream + 1) + " with " + inFlight.size()
                    + " frame(s) unanswered");
        }
    }

    private void open() {
        Call c = new Call();
        call = c;
        stub.explainStream(c);
    }

    private boolean canReconnect(Call c) {
        return c.failed() && listenerFailure.get() == null && reconnects < maxReconnects
                && StreamCuts.replaceable(Status.fromThrowable(c.failure.get()));
    }

    /** A new call that first sends the dead call's unanswered frames again, in order. */
    private void reconnect(Call dead) {
        reconnects++;
        TreeMap<Long, Pending> unanswered = new TreeMap<>(inFlight);
        if (notices != null) {
            notices.println("stream " + (stream + 1) + ": " + Status.fromThrowable(dead.failure.get()).getCode()
                    + " (" + Status.fromThrowable(dead.failure.get()).getDescription() + "); reconnecting ("
                    + reconnects + "/" + maxReconnects + "), resending " + unanswered.size() + " unanswered frame(s)"
                    + (unanswered.isEmpty() ? "" : " from id " + unanswered.firstKey()));
            notices.flush();
        }
        open();
        Call c = call;
        for (Map.Entry<Long, Pending> e : unanswered.entrySet()) {
            lastProgressNanos = System.nanoTime();
            c.requests.onNext(e.getValue().frame().into(template.toBuilder().setFrameId(e.getKey())).build());
        }
    }

    private void send() throws InterruptedException {
        long id = 0;
        for (int loop = 0; loop < loops; loop++) {
            try (FrameStream frames = feed.open()) {
                Pacing.Clock clock = pacing.start();
                Frame frame;
                while ((frame = frames.next()) != null) {
                    clock.await(frame);
                    if (!awaitReady()) {
                        return; // the call failed for good; run() reports why
                    }
                    id++;
                    long now = System.nanoTime();
                    inFlight.put(id, new Pending(frame, loop, now));
                    lastProgressNanos = now;
                    stats.sent(now);
                    call.requests.onNext(frame.into(template.toBuilder().setFrameId(id)).build());
                }
                stats.dropped(frames.dropped());
            } catch (RuntimeException e) {
                // the source failed (a camera unplugged, a corrupt file): answers still due are not waited for
                call.requests.cancel("the client's source failed: " + e.getMessage(), e);
                throw e;
            }
        }
        if (!call.failed()) {
            call.requests.onCompleted();
        }
    }

    /** Waits until the call takes a frame; replaces it when it ended UNAVAILABLE. False: it failed for good. */
    private boolean awaitReady() throws InterruptedException {
        synchronized (readiness) {
            while (true) {
                Call c = call;
                if (c.over()) {
                    if (!canReconnect(c)) {
                        return false;
                    }
                    reconnect(c);
                    continue;
                }
                if (c.requests.isReady()) {
                    return true;
                }
                readiness.wait(100); // the timeout only guards against a missed wake-up
                checkIdle(c);
            }
        }
    }

    private void checkIdle(Call c) {
        long idle = System.nanoTime() - lastProgressNanos;
        if (idle > idleTimeoutNanos) {
            String message = "no answer from the server on stream " + (stream + 1) + " for "
                    + TimeUnit.NANOSECONDS.toSeconds(idle) + " s with " + inFlight.size()
                    + " frame(s) in flight (see --idle-timeout)";
            c.requests.cancel(message, null);
            throw new IllegalStateException(message);
        }
    }

    private void wakeSender() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    private void onAnswer(Call c, ExplainResponse response) {
        long now = System.nanoTime();
        lastProgressNanos = now;
        Pending p = inFlight.remove(response.getFrameId());
        if (p == null) {
            c.failure.compareAndSet(null, Status.INTERNAL
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
            c.failure.compareAndSet(null, Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException());
            c.requests.cancel("the client cannot keep the results: " + e.getMessage(), e);
            wakeSender();
        }
    }

    private void rethrow(Call c) {
        Throwable l = listenerFailure.get();
        if (l instanceof RuntimeException re) {
            throw re;
        }
        Throwable t = c.failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
