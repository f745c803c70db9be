package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.Method;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.lifecycle.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs synthetic frames ({@link WarmUpFrames}) through the real frame path before the server turns SERVING, so
 * the JIT has compiled decode, preprocessing, every method the models offer and map encoding before the first
 * client frame (a cold JVM ran the first seconds ~30% slower). Two frames are kept in flight so both cores stay
 * busy. Bounded by a time budget: the frame in flight when it ends is cancelled. It calls the frame processor
 * directly; {@link TransportWarmUp} then sends its fast pairs through the gRPC port.
 *
 * <p>The budget goes where the JIT needs it: every model/method pair gets one frame first (cheapest first), cut
 * at {@link #frameCapMs} so one slow pair cannot eat the budget; a pair whose frame was cut there (SS_CAM or
 * IS_CAM on an ImageNet model: 10^4-10^5 passes) is not repeated, and the rest of the budget
 * cycles over the fast pairs, the live methods, so their hot paths are compiled before the first client frame.
 * (Before: two such frames held both lanes for the whole budget and a 3 s warm-up ran 5 frames.)
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final int IN_FLIGHT = 2;

    private final FrameProcessor processor;
    private final List<ExplainRequest.Builder> shapes = new ArrayList<>();
    private final Readiness readiness;
    private final WarmUpFrames frames;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private volatile WarmUpRota rota;
    private volatile long capNanos;
    /** The version the frames run on; null: each frame's model as served. */
    private final ModelPins pins;
    /** Frames in flight. */
    private final int inFlight;

    WarmUp(FrameProcessor processor, List<ModelDescription> models, Readiness readiness) {
        this(processor, models, readiness, null, new WarmUpFrames());
    }

    /** @param pins the version every frame runs on (a reloaded model before it is served); null: as served */
    WarmUp(FrameProcessor processor, List<ModelDescription> models, Readiness readiness, ModelPins pins,
           WarmUpFrames frames) {
        this(processor, models, readiness, pins, frames, IN_FLIGHT, false);
    }

    /**
     * A warm-up that judges each pair alone (one frame in flight, so a fast pair's frame never waits behind a
     * slow pair's batches, which made the two-lane first round call RECIPRO_CAM slow on the bundled model) and
     * tries exact SCORE_CAM too (a frame cut at the cap is not repeated): the JIT-aware phase's first window,
     * which picks the pairs it sends through the port.
     */
    static WarmUp judgingEachPair(FrameProcessor processor, List<ModelDescription> models, WarmUpFrames frames) {
        return new WarmUp(processor, models, new Readiness(), null, frames, 1, true);
    }

    private WarmUp(FrameProcessor processor, List<ModelDescription> models, Readiness readiness, ModelPins pins,
                   WarmUpFrames frames, int lanes, boolean exactToo) {
        this.frames = frames;
        this.processor = processor;
        this.readiness = readiness;
        this.pins = pins;
        this.inFlight = lanes;
        for (ModelDescription m : models) {
            List<Method> methods = m.methods() == null || m.methods().isEmpty() ? List.of(Method.SCORE_CAM) : m.methods();
            // exact SCORE_CAM runs the same code as FASTER_SCORE_CAM (scoring batches, score table, combine) with
            // K instead of a few channels: one exact frame of an ImageNet model (K=1280) would eat the whole budget
            List<Method> warmed = !exactToo && methods.contains(Method.FASTER_SCORE_CAM) && methods.size() > 1
                    ? methods.stream().filter(x -> x != Method.SCORE_CAM).toList() : methods;
            // cheapest first
            for (Method method : warmed.stream().sorted(java.util.Comparator.comparingInt(WarmUp::cost)).toList()) {
                shapes.add(WarmUpFrames.shape(m, method));
            }
        }
    }

    private static int cost(Method m) {
        return switch (m) {
            case EIGEN_CAM -> 0;
            case RECIPRO_CAM -> 1;
            case FASTER_SCORE_CAM -> 2;
            default -> 3;
        };
    }

    /**
     * The longest one warm-up frame may run: the budget over the pairs, so with two lanes the first round takes
     * at most half the budget and the rest cycles over the fast pairs.
     */
    static long frameCapMs(long budgetMs, int pairs) {
        return Math.max(1, budgetMs / Math.max(1, pairs));
    }

    /** Completes (never exceptionally) when the budget is spent and the frames in flight have ended. */
    CompletableFuture<Void> run(long budgetMs) {
        return run(budgetMs, budgetMs);
    }

    /**
     * As {@link #run(long)}, with each frame cut at {@link #frameCapMs}({@code capBudgetMs}, pairs): the whole
     * warm-up's budget when this is its first part, so a cold first frame is judged as before.
     */
    CompletableFuture<Void> run(long budgetMs, long capBudgetMs) {
        if (shapes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        readiness.starting("warming up the frame path for " + budgetMs + " ms");
        long start = System.nanoTime();
        capNanos = frameCapMs(capBudgetMs, shapes.size()) * 1_000_000L;
        rota = new WarmUpRota(shapes.size());
        long end = start + budgetMs * 1_000_000L;
        CancellationToken token = new CancellationToken(end);
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            lanes.add(lane(token, end));
        }
        return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).handle((v, e) -> {
            LOG.info("warm-up: {} frame(s) over {} model/method pair(s) in {} ms ({} pair(s) too slow to repeat)",
                    answered.get(), shapes.size(), (System.nanoTime() - start) / 1_000_000, rota.slowPairs());
            return null;
        });
    }

    /** One frame after another until the deadline. */
    private CompletableFuture<Void> lane(CancellationToken token, long end) {
        if (System.nanoTime() - end >= 0) {
            return CompletableFuture.completedFuture(null);
        }
        int n = rota.next();
        ExplainRequest request;
        try {
            request = frame(n);
        } catch (RuntimeException e) {
            LOG.warn("warm-up stopped: {}", e.toString());
            return CompletableFuture.completedFuture(null);
        }
        long started = System.nanoTime();
        // each frame is cut at its cap (and at the end of the budget); the shared token still stops them all
        CancellationToken frameToken = new CancellationToken(Math.min(end, started + capNanos));
        CompletableFuture<ExplainResponse> answer = pins == null ? processor.process(request, frameToken, started)
                : processor.process(request, frameToken, started, () -> { }, CallRecord.NONE, pins);
        return answer.thenCompose((ExplainResponse r) -> {
            answered.incrementAndGet();
            // slow = cut at its cap; not "slower than usual": a pair's first frame is always slow (cold JIT, the
            // pass's ORT session opening), so judging by it would mark every pair slow
            if (r.getStatus() != FrameStatus.OK && failedOnce.compareAndSet(false, true)) {
                LOG.info("warm-up: a {} frame of {} answered {} {}: {}", request.getMethod(), request.getModel(),
                        r.getStatus(), r.getErrorCode(), r.getErrorMessage());
            }
            // a frame not answered OK (cut at the end of the budget, failed) counts as slow: never sent through the port
            rota.took(n, r.getStatus() == FrameStatus.OK ? System.nanoTime() - started : Long.MAX_VALUE,
                    capNanos * 9 / 10);
            return token.isCancelled() ? CompletableFuture.completedFuture(null) : lane(token, end);
        });
    }

    private ExplainRequest frame(int n) {
        return frames.frame(shapes.get(n % shapes.size()), n / shapes.size());
    }

    /** Frames answered so far. */
    int answered() {
        return answered.get();
    }

    /**
     * After {@link #run}: the pairs it found fast enough to repeat (answered, not cut at the frame cap),
     * cheapest first; the ones worth sending through the port. Empty before a run.
     */
    List<ExplainRequest.Builder> fastPairs() {
        WarmUpRota r = rota;
        if (r == null) {
            return List.of();
        }
        List<ExplainRequest.Builder> fast = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            if (r.isFast(i)) {
                fast.add(shapes.get(i));
            }
        }
        return fast;
    }
}
