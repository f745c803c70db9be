package io.scorecam.loadtest;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.scorecam.api.support.StreamCuts;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one ExplainStream call. Frames become due on the plan's schedule (open loop) or when an answer
 * frees a slot of the window (closed loop); a due frame leaves as soon as gRPC flow control lets it
 * (never buffered beyond {@code isReady()}), so a server that stops reading holds frames back in the client
 * where their waiting still counts from the intended send time.
 *
 * <p>With reconnects allowed, a call that ends UNAVAILABLE (its server went away or drained) or is cut by a proxy
 * ({@link StreamCuts}) is replaced by a
 * new one (on another replica when the channel balances over several) that resumes from the first unanswered
 * frame: the frames in flight on the dead call are sent again with their ids, then the plan goes on. Every
 * frame is answered once; a duplicate answer is counted, and frames still unanswered when no reconnect is
 * left are listed as lost by id.
 */
public final class StreamDriver {
    /** Sees every response as it arrives (the benchmark times completions with it). */
    public interface ResponseListener {
        /**
         * @param answeredNanos when the response arrived
         * @param intendedNanos when the frame was meant to leave (open loop: its slot in the schedule; closed
         *                      loop: when a free window slot made it due), or 0 when unknown
         */
        void onResponse(ExplainResponse response, long answeredNanos, long intendedNanos);
    }

    private final int streamIndex;
    private final RequestTemplate template;
    private final StreamPlan plan;
    private final LatencyRecorder latency;
    private final StreamStats stats;
    private final ResponseListener listener;
    private final int maxReconnects;
    private final Object lock = new Object();
    private final ArrayDeque<long[]> due = new ArrayDeque<>(); // {frame number, intended nanos}
    private final Map<Long, long[]> inFlight = new ConcurrentHashMap<>(); // frame id -> {intended, sent, frame number}
    private final Set<Long> answered = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Call call;
    private long nextFrame;
    private int reconnects;
    private volatile boolean stopping;
    private volatile boolean completedSending;
    private volatile long startNanos;
    private ExplainServiceGrpc.ExplainServiceStub stub;

    public StreamDriver(int streamIndex, RequestTemplate template, StreamPlan plan, LatencyRecorder latency,
                        StreamStats stats, ResponseListener listener) {
        this(streamIndex, template, plan, latency, stats, listener, 0);
    }

    /** @param maxReconnects how many times an UNAVAILABLE call may be replaced (0: never) */
    public StreamDriver(int streamIndex, RequestTemplate template, StreamPlan plan, LatencyRecorder latency,
                        StreamStats stats, ResponseListener listener, int maxReconnects) {
        this.streamIndex = streamIndex;
        this.template = template;
        this.plan = plan;
        this.latency = latency;
        this.stats = stats;
        this.listener = listener;
        this.maxReconnects = maxReconnects;
    }

    /** One ExplainStream call; callbacks of a call that was replaced are ignored. */
    private final class Call implements ClientResponseObserver<ExplainRequest, ExplainResponse> {
        private ClientCallStreamObserver<ExplainRequest> requests;
        private volatile boolean broken; // ended UNAVAILABLE with a reconnect left: run() replaces it

        @Override
        public void beforeStart(ClientCallStreamObserver<ExplainRequest> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(StreamDriver.this::sendDue);
        }

        @Override
        public void onNext(ExplainResponse response) {
            if (call == this) {
                answer(response);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (call != this) {
                return;
            }
            Status status = Status.fromThrowable(t);
            if (StreamCuts.replaceable(status) && !completedSending) {
                synchronized (lock) {
                    if (reconnects < maxReconnects) {
                        stats.firstCut.compareAndSet(null, status.getCode() + ": " + status.getDescription());
                        broken = true;
                        return;
                    }
                }
            }
            if (!(completedSending && status.getCode() == Status.Code.CANCELLED)) {
                stats.streamFailures.incrementAndGet();
                stats.error("stream " + streamIndex + " failed: " + status.getCode() + " " + status.getDescription());
            }
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            if (call == this) {
                ended.countDown();
            }
        }
    }

    /**
     * Opens the call and sends frames until the plan's duration or frame count is reached or {@link #stop()}
     * is called, waits at most {@code drainNanos} for the last answers, then half-closes and waits for the end.
     * Blocks the calling thread.
     */
    public void run(ExplainServiceGrpc.ExplainServiceStub stub, long drainNanos) throws InterruptedException {
        this.stub = stub;
        open();
        startNanos = System.nanoTime();
        if (plan.openLoop()) {
            runOpenLoop();
        } else {
            synchronized (lock) {
                for (int i = 0; i < plan.window(); i++) {
                    makeDue(startNanos);
                }
            }
            sendDue();
            // a call that ended for good makes no more frames due: stop waiting for the plan then
            while (!stopping && !planOver(System.nanoTime()) && ended.getCount() > 0) {
                reconnectIfBroken();
                LockSupport.parkNanos(1_000_000L);
            }
        }
        stopping = true;
        finish(drainNanos);
    }

    /** Ends sending: no new frame becomes due; the ones in flight are still awaited. */
    public void stop() {
        stopping = true;
    }

    private void open() {
        Call c = new Call();
        call = c;
        stub.explainStream(c);
    }

    /**
     * Replaces a call that ended UNAVAILABLE: its unanswered frames go first, in order, on a new call.
     * Runs on the driver's thread, never on a gRPC callback.
     */
    private void reconnectIfBroken() {
        Call c = call;
        if (c == null || !c.broken) {
            return;
        }
        synchronized (lock) {
            reconnects++;
            stats.reconnects.incrementAndGet();
            TreeMap<Long, long[]> unanswered = new TreeMap<>(inFlight);
            inFlight.clear();
            ArrayDeque<long[]> resend = new ArrayDeque<>();
            unanswered.values().forEach(f -> resend.add(new long[] {f[2], f[0]}));
            stats.resent.addAndGet(resend.size());
            resend.addAll(due);
            due.clear();
            due.addAll(resend);
            open();
        }
        sendDue();
    }

    private void runOpenLoop() {
        long interval = plan.intervalNanos();
        long first = startNanos + plan.offsetNanos();
        for (long i = 0; !stopping && ended.getCount() > 0; i++) {
            long intended = first + i * interval;
            if (planOver(intended) || (plan.maxFrames() > 0 && i >= plan.maxFrames())) {
                break;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0 && !stopping) {
                reconnectIfBroken();
                LockSupport.parkNanos(Math.min(wait, 20_000_000L));
            }
            if (stopping) {
                break;
            }
            synchronized (lock) {
                makeDue(intended);
            }
            reconnectIfBroken();
            sendDue();
        }
    }

    private boolean planOver(long nanos) {
        boolean timeOver = plan.durationNanos() > 0 && nanos - startNanos >= plan.durationNanos();
        boolean countOver = plan.maxFrames() > 0 && nextFrame >= plan.maxFrames();
        return timeOver || countOver;
    }

    /**
     * Frames sent and unanswered, or (frame-count plans) still due: read together under the lock, because
     * sendDue moves a frame from due to in flight under it. Read apart, a frame could be seen in neither.
     */
    private boolean awaitingFrames() {
        synchronized (lock) {
            return !inFlight.isEmpty() || (plan.maxFrames() > 0 && !due.isEmpty());
        }
    }

    private void makeDue(long intendedNanos) {
        due.add(new long[] {nextFrame++, intendedNanos});
    }

    /** Sends due frames while the transport is ready (called by the sender and by gRPC's onReady). */
    private void sendDue() {
        synchronized (lock) {
            Call c = call;
            while (!due.isEmpty() && !c.broken && c.requests.isReady() && !completedSending) {
                long[] frame = due.poll();
                long id = ((long) streamIndex << 40) | frame[0];
                long sent = System.nanoTime();
                inFlight.put(id, new long[] {frame[1], sent, frame[0]});
                stats.sent.incrementAndGet();
                // streams start at different frames so they do not send each other's (cacheable) frames
                c.requests.onNext(template.request(id, frame[0] + streamIndex));
            }
        }
    }

    private void finish(long drainNanos) throws InterruptedException {
        long deadline = System.nanoTime() + drainNanos;
        // a frame-count plan can be over before its last frames left (the call was not ready yet): those
        // were asked for, so they still go out (onReady sends them) within the drain time
        while ((awaitingFrames() || call.broken) && ended.getCount() > 0
                && System.nanoTime() < deadline) {
            reconnectIfBroken();
            LockSupport.parkNanos(1_000_000L);
        }
        synchronized (lock) {
            stats.unsent.addAndGet(due.size());
            due.clear();
            completedSending = true;
            if (ended.getCount() > 0 && !call.broken) {
                if (inFlight.isEmpty()) {
                    call.requests.onCompleted();
                } else {
                    call.requests.cancel("load run over", null);
                }
            }
        }
        if (!inFlight.isEmpty()) {
            // no answer will come for these: the run is over or the last call failed with no reconnect left
            stats.unanswered.addAndGet(inFlight.size());
            new TreeMap<>(inFlight).keySet().forEach(stats.lostIds::add);
        }
        inFlight.clear();
        if (!call.broken) {
            ended.await(10, TimeUnit.SECONDS);
        }
    }

    private void answer(ExplainResponse response) {
        long now = System.nanoTime();
        long[] times = inFlight.remove(response.getFrameId());
        if (!answered.add(response.getFrameId())) {
            stats.duplicates.incrementAndGet();
        }
        if (response.getStatus() == FrameStatus.OK) {
            stats.ok.incrementAndGet();
            stats.forwardPasses.addAndGet(response.getForwardPasses());
            stats.faithfulness.add(response);
            if (response.getForwardPasses() == 0) {
                stats.cacheHits.incrementAndGet();
            }
            if (times != null) {
                if (plan.openLoop()) {
                    latency.recordOpenLoop(times[0], times[1], now);
                } else {
                    latency.recordClosedLoop(times[0], now, 0);
                }
            }
        } else if (response.getStatus() == FrameStatus.SKIPPED) {
            stats.skipped.incrementAndGet();
        } else {
            stats.errors.incrementAndGet();
            stats.error(response.getErrorCode() + ": " + response.getErrorMessage());
        }
        if (listener != null) {
            listener.onResponse(response, now, times != null ? times[0] : 0);
        }
        if (!plan.openLoop() && !stopping) {
            synchronized (lock) {
                if (!planOver(now)) {
                    makeDue(now);
                }
            }
            sendDue();
        }
    }
}
