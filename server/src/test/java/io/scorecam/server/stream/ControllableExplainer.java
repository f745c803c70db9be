package io.scorecam.server.stream;

import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.ClassProbability;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST ONLY: an Explainer whose timing the test controls. Maps are 2x2 and every value is the frame id
 * read from the first 8 bytes of the frame's pixels (see {@link Frames}), so a response can be matched
 * to its request. Counts frames held (explain called, future not complete) and keeps every token.
 */
final class ControllableExplainer implements Explainer {
    static final String MODEL = "test-model";
    static final int CLASSES = 10;

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<CancellationToken> tokens = new ConcurrentLinkedQueue<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    /** Names of the threads explain() was called on. */
    final ConcurrentLinkedQueue<String> callerThreads = new ConcurrentLinkedQueue<>();
    volatile boolean closed;
    /** Completion delay; with {@link #jitter} a random delay in [0, delayMs]. */
    volatile long delayMs;
    volatile boolean jitter;
    /** While true, frames are held until {@link #release()}. */
    volatile boolean hold;

    private record Held(FrameRequest request, CompletableFuture<FrameResult> future) {
    }

    @Override
    public CompletableFuture<FrameResult> explain(FrameRequest r) {
        calls.incrementAndGet();
        callerThreads.add(Thread.currentThread().getName());
        if (!r.model().isEmpty() && !r.model().equals(MODEL)) {
            return CompletableFuture.failedFuture(new ScoreCamException(ErrorCode.NOT_FOUND,
                    "unknown model '" + r.model() + "': this server serves " + MODEL));
        }
        for (int c : r.targetClasses()) {
            if (c >= CLASSES) {
                return CompletableFuture.failedFuture(ScoreCamException.invalid(
                        "class id " + c + " is out of range: model " + MODEL + " has " + CLASSES + " classes"));
            }
        }
        tokens.add(r.cancellation());
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        CompletableFuture<FrameResult> f = new CompletableFuture<>();
        f.whenComplete((x, e) -> inFlight.decrementAndGet());
        if (hold) {
            held.add(new Held(r, f));
        } else {
            long d = jitter ? ThreadLocalRandom.current().nextLong(delayMs + 1) : delayMs;
            timer.schedule(() -> complete(r, f), d, TimeUnit.MILLISECONDS);
        }
        return f;
    }

    /** Completes every held frame and stops holding. */
    void release() {
        hold = false;
        Held h;
        while ((h = held.poll()) != null) {
            complete(h.request, h.future);
        }
    }

    int heldCount() {
        return held.size();
    }

    /** Frames whose token was cancelled are dropped, like the engine does at dequeue. */
    private static void complete(FrameRequest r, CompletableFuture<FrameResult> f) {
        if (r.cancellation().isCancelled()) {
            f.completeExceptionally(new ScoreCamException(ErrorCode.CANCELLED, "dropped: cancelled"));
            return;
        }
        f.complete(result(r));
    }

    static FrameResult result(FrameRequest r) {
        float id = ByteBuffer.wrap(r.image().rgb()).getLong(0);
        List<Integer> classes = r.targetClasses().isEmpty() ? List.of(3) : r.targetClasses();
        List<ClassMap> maps = new ArrayList<>();
        for (int c : classes) {
            float[] v = new float[4];
            Arrays.fill(v, id);
            maps.add(new ClassMap(c, 0.5f, 2, 2, v, id));
        }
        return new FrameResult(List.of(new ClassProbability(3, 0.5f), new ClassProbability(1, 0.25f)),
                maps, 7, 0.1, 0.2);
    }

    @Override
    public List<ModelDescription> models() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < CLASSES; i++) {
            labels.add("class-" + i);
        }
        return List.of(new ModelDescription(MODEL, 8, 8, CLASSES, 16, "layer", 2, 2, true, labels, "LOGITS",
                Methods.ids()));
    }

    @Override
    public int queuedItems() {
        return inFlight.get();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
