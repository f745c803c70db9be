package io.scorecam.server.engine.pipeline;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.cache.FrameCache;
import io.scorecam.server.engine.cache.FrameHash;
import io.scorecam.server.engine.cache.ScoreTable;
import io.scorecam.server.engine.method.SaliencyMethod.Need;
import io.scorecam.server.engine.model.LoadedModel;
import io.scorecam.server.engine.pass.FeaturePass;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.Predictions;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pass.RowPass;
import io.scorecam.server.engine.pass.SessionPass;
import io.scorecam.server.batching.BatchScheduler;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.ObjLongConsumer;

/**
 * The two cached steps of a frame: the feature pass, then the rows of the passes a method needs. Each goes
 * through the frame cache first, so work another request already did (or is doing) is never repeated;
 * what is missing is queued on the shared {@link BatchScheduler}.
 */
public final class FramePipeline {
    /** A request whose shared work was cancelled by another request retries this many times. */
    private static final int MAX_ATTEMPTS = 3;

    private final BatchScheduler scheduler;
    private final FrameCache cache;
    private final Executor cpu;
    private final ObjLongConsumer<String> stages;

    /** @param stages told the nanoseconds of a frame's stages (resize, normalise): the per-frame profile */
    public FramePipeline(BatchScheduler scheduler, FrameCache cache, Executor cpu, ObjLongConsumer<String> stages) {
        this.scheduler = scheduler;
        this.cache = cache;
        this.cpu = cpu;
        this.stages = stages;
    }

    private record Input(float[] tensor, FrameHash hash) { }

    /** Preprocesses the frame (on the CPU pool) and returns its features, cached or computed. */
    public CompletableFuture<PreparedFrame> features(LoadedModel model, FrameRequest request, FrameCost cost) {
        if (request.cancellation().isCancelled()) {
            return CompletableFuture.failedFuture(cancelled(request.cancellation()));
        }
        return CompletableFuture.supplyAsync(() -> {
            var pre = model.preprocessor();
            float[] tensor = new float[3 * pre.width() * pre.height()];
            long t0 = System.nanoTime();
            pre.resize(request.image(), tensor, 0);
            long t1 = System.nanoTime();
            pre.normalise(tensor, 0);
            long t2 = System.nanoTime();
            stages.accept("resize", t1 - t0);
            stages.accept("normalise", t2 - t1);
            cost.trace().stage("preprocess", t0, t2);
            cost.passesStart();
            return new Input(tensor, FrameHash.of(tensor));
        }, cpu).thenCompose(input -> features(model, input, request.cancellation(), cost, 1));
    }

    private CompletableFuture<PreparedFrame> features(LoadedModel model, Input input, CancellationToken token,
                                                      FrameCost cost, int attempt) {
        FrameCache.FeatureKey key = new FrameCache.FeatureKey(model.cacheId(), input.hash());
        boolean[] created = {false};
        CompletableFuture<FrameFeatures> features = cache.getOrCreate(key, featureBytes(model), k -> {
            created[0] = true;
            return new CompletableFuture<FrameFeatures>();
        });
        if (created[0]) {
            cost.addPasses(1);
            // the entry is shared by every request for this frame: whatever happens, it must complete
            try {
                scheduler.submit(model.featurePass(), List.of(input.tensor()), token, cost::addQueueNanos, () -> { },
                                cost.batches("feature_pass"))
                        .whenComplete((results, error) -> {
                            try {
                                if (error != null) {
                                    throw error;
                                }
                                FeaturePass.FeatureOutput out = results.get(0);
                                features.complete(build(model, input.tensor(), out));
                            } catch (Throwable t) {
                                cache.remove(key, features);
                                features.completeExceptionally(unwrap(t));
                            }
                        });
            } catch (RuntimeException e) {
                cache.remove(key, features);
                features.completeExceptionally(e);
            }
        }
        return features.thenApply(f -> new PreparedFrame(input.hash(), f))
                .exceptionallyCompose(error -> retryable(error, token, attempt)
                        ? features(model, input, token, cost, attempt + 1)
                        : CompletableFuture.failedFuture(unwrap(error)));
    }

    /**
     * The score rows (indexed by row) a method needs for a frame; runs only the rows nobody has run or
     * started yet, and waits for the others. Call on a CPU-pool thread: the first use of a kind of pass
     * on a model opens its session there.
     */
    public <I> CompletableFuture<ScoreRow[]> rows(LoadedModel model, PreparedFrame frame, Need<I> need,
                                                  CancellationToken token, FrameCost cost) {
        return rows(model, frame, need, token, cost, 1);
    }

    private <I> CompletableFuture<ScoreRow[]> rows(LoadedModel model, PreparedFrame frame, Need<I> need,
                                                   CancellationToken token, FrameCost cost, int attempt) {
        if (need.isEmpty()) {
            cost.workTaken();
            return CompletableFuture.completedFuture(new ScoreRow[0]);
        }
        RowPass<I> kind = need.pass();
        int n = kind.rowCount(model.layer());
        FrameCache.RowsKey key = new FrameCache.RowsKey(model.cacheId(), frame.hash(), kind.rowKey());
        ScoreTable table = cache.getOrCreate(key, ScoreTable.bytesFor(n, model.classes()),
                k -> new ScoreTable(n, model.classes()));
        ScoreTable.Claim claim = table.claim(need.rows());
        List<Integer> missing = claim.missing();
        if (missing.isEmpty()) {
            cost.workTaken(); // every row is cached or being run by another request
        } else {
            CompletableFuture<SessionPass<I, ScoreRow>> pass;
            try {
                pass = model.pass(kind);
            } catch (RuntimeException e) {
                pass = CompletableFuture.failedFuture(e);
            }
            // other requests wait on the claimed rows: each must be filled or released, whatever happens
            pass.whenComplete((session, error) -> {
                if (error != null) {
                    cost.workTaken();
                    table.release(missing, unwrap(error));
                } else {
                    runInto(table, missing, kind, session, frame, token, cost);
                }
            });
        }
        return claim.rows().exceptionallyCompose(error -> retryable(error, token, attempt)
                ? rows(model, frame, need, token, cost, attempt + 1)
                : CompletableFuture.failedFuture(unwrap(error)));
    }

    /** Queues the claimed rows' items; fills the table with their results or releases the rows on failure. */
    private <I> void runInto(ScoreTable table, List<Integer> claimed, RowPass<I> kind, SessionPass<I, ScoreRow> pass,
                             PreparedFrame frame, CancellationToken token, FrameCost cost) {
        try {
            int perRow = kind.itemsPerRow();
            long seed = frame.hash().high() ^ frame.hash().low();
            List<I> items = new ArrayList<>(claimed.size() * perRow);
            for (int row : claimed) {
                kind.items(frame.features(), seed, row, items);
            }
            if (items.size() != claimed.size() * perRow) {
                throw new IllegalStateException(kind.rowKey() + " made " + items.size() + " items for "
                        + claimed.size() + " rows of " + perRow);
            }
            cost.addPasses(items.size());
            // the stream may start its next frame once a worker has taken this frame's last item
            scheduler.submit(pass, items, token, cost::addQueueNanos, cost::workTaken, cost.batches("scoring")).whenComplete((results, error) -> {
                try {
                    if (error != null) {
                        throw error;
                    }
                    for (int i = 0; i < claimed.size(); i++) {
                        table.fill(claimed.get(i), kind.reduce(results.subList(i * perRow, (i + 1) * perRow)));
                    }
                } catch (Throwable t) {
                    table.release(claimed, unwrap(t));
                }
            });
        } catch (RuntimeException e) {
            cost.workTaken();
            table.release(claimed, e);
        }
    }

    private static FrameFeatures build(LoadedModel model, float[] input, FeaturePass.FeatureOutput out) {
        float[] probs = model.outputsProbabilities() ? out.outputs().clone() : Predictions.softmax(out.outputs());
        int k = model.channels();
        int hw = model.layerHeight() * model.layerWidth();
        float[] a = out.activations();
        float[] min = new float[k];
        float[] max = new float[k];
        for (int c = 0; c < k; c++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int p = c * hw, end = p + hw; p < end; p++) {
                lo = Math.min(lo, a[p]);
                hi = Math.max(hi, a[p]);
            }
            min[c] = lo;
            max[c] = hi;
        }
        return new FrameFeatures(input, a, out.outputs(), probs, min, max);
    }

    private static long featureBytes(LoadedModel model) {
        long input = 3L * model.config().input().height() * model.config().input().width();
        long layer = (long) model.channels() * model.layerHeight() * model.layerWidth();
        return 4 * (input + layer + 2L * model.classes() + 2L * model.channels()) + 96;
    }

    /** Shared work failed because the request that started it was cancelled; ours still wants it. */
    private static boolean retryable(Throwable error, CancellationToken token, int attempt) {
        Throwable cause = unwrap(error);
        return attempt < MAX_ATTEMPTS && !token.isCancelled() && cause instanceof ScoreCamException e
                && (e.code() == ErrorCode.CANCELLED || e.code() == ErrorCode.DEADLINE_EXCEEDED);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static ScoreCamException cancelled(CancellationToken token) {
        return token.deadlinePassed()
                ? new ScoreCamException(ErrorCode.DEADLINE_EXCEEDED, "the frame's deadline passed")
                : new ScoreCamException(ErrorCode.CANCELLED, "the frame was cancelled");
    }
}
