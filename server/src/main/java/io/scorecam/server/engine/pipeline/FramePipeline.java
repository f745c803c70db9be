package io.scorecam.server.engine.pipeline;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.cache.FrameCache;
import io.scorecam.server.engine.cache.FrameHash;
import io.scorecam.server.engine.cache.ScoreTable;
import io.scorecam.server.engine.model.LoadedModel;
import io.scorecam.server.engine.pass.FeaturePass;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.HeadPass;
import io.scorecam.server.engine.pass.Predictions;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pass.ScoringPass;
import io.scorecam.server.batching.BatchKind;
import io.scorecam.server.batching.BatchScheduler;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The two cached steps of a frame: the feature pass, then the masked passes a method needs. Each goes
 * through the frame cache first, so work another request already did (or is doing) is never repeated;
 * what is missing is queued on the shared {@link BatchScheduler}.
 */
public final class FramePipeline {
    /** A request whose shared work was cancelled by another request retries this many times. */
    private static final int MAX_ATTEMPTS = 3;

    private final BatchScheduler scheduler;
    private final FrameCache cache;
    private final Executor cpu;

    public FramePipeline(BatchScheduler scheduler, FrameCache cache, Executor cpu) {
        this.scheduler = scheduler;
        this.cache = cache;
        this.cpu = cpu;
    }

    private record Input(float[] tensor, FrameHash hash) { }

    /** Preprocesses the frame (on the CPU pool) and returns its features, cached or computed. */
    public CompletableFuture<PreparedFrame> features(LoadedModel model, FrameRequest request, FrameCost cost) {
        if (request.cancellation().isCancelled()) {
            return CompletableFuture.failedFuture(cancelled(request.cancellation()));
        }
        return CompletableFuture.supplyAsync(() -> {
            float[] tensor = model.preprocessor().toChw(request.image());
            return new Input(tensor, FrameHash.of(tensor));
        }, cpu).thenCompose(input -> features(model, input, request.cancellation(), cost, 1));
    }

    private CompletableFuture<PreparedFrame> features(LoadedModel model, Input input, CancellationToken token,
                                                      FrameCost cost, int attempt) {
        FrameCache.FeatureKey key = new FrameCache.FeatureKey(model.name(), input.hash());
        boolean[] created = {false};
        CompletableFuture<FrameFeatures> features = cache.getOrCreate(key, featureBytes(model), k -> {
            created[0] = true;
            return new CompletableFuture<FrameFeatures>();
        });
        if (created[0]) {
            cost.addPasses(1);
            // the entry is shared by every request for this frame: whatever happens, it must complete
            try {
                scheduler.submit(model.featurePass(), List.of(input.tensor()), token, cost::addQueueNanos)
                        .whenComplete((results, error) -> {
                            try {
                                if (error != null) {
                                    throw error;
                                }
                                FeaturePass.FeatureOutput out = (FeaturePass.FeatureOutput) results.get(0);
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
     * Score rows (indexed by channel) for the given channels of a frame under a convention; runs only the
     * channels nobody has scored or started yet. Call on a CPU-pool thread: the first use of a convention
     * builds its scoring session.
     */
    public CompletableFuture<ScoreRow[]> scores(LoadedModel model, PreparedFrame frame, Convention convention, int[] channels,
                                         CancellationToken token, FrameCost cost) {
        return scores(model, frame, convention, channels, token, cost, 1);
    }

    private CompletableFuture<ScoreRow[]> scores(LoadedModel model, PreparedFrame frame, Convention convention,
                                                 int[] channels, CancellationToken token, FrameCost cost,
                                                 int attempt) {
        if (channels.length == 0) {
            return CompletableFuture.completedFuture(new ScoreRow[model.channels()]);
        }
        FrameCache.ScoreKey key = new FrameCache.ScoreKey(model.name(), frame.hash(), convention);
        ScoreTable table = cache.getOrCreate(key, ScoreTable.bytesFor(model.channels(), model.classes()),
                k -> new ScoreTable(model.channels(), model.classes()));
        ScoreTable.Claim claim = table.claim(channels);
        List<Integer> missing = claim.missing();
        if (!missing.isEmpty()) {
            ScoringPass pass;
            try {
                pass = model.scoringPass(convention);
            } catch (RuntimeException e) {
                table.release(missing, e);
                return CompletableFuture.failedFuture(e);
            }
            List<ScoringPass.Item> items = new ArrayList<>(missing.size());
            for (int k : missing) {
                items.add(new ScoringPass.Item(frame.features(), k));
            }
            runInto(table, missing, pass, items, token, cost);
        }
        return claim.rows().exceptionallyCompose(error -> retryable(error, token, attempt)
                ? scores(model, frame, convention, channels, token, cost, attempt + 1)
                : CompletableFuture.failedFuture(unwrap(error)));
    }

    /**
     * Recipro-CAM's head-pass score rows (indexed by cell b = i*w + j) of a frame, shared like
     * {@link #scores}: one table per frame, whatever the convention. Call on a CPU-pool thread: the first
     * call builds the model's head session.
     */
    public CompletableFuture<ScoreRow[]> cellScores(LoadedModel model, PreparedFrame frame, int[] cells,
                                             CancellationToken token, FrameCost cost) {
        return cellScores(model, frame, cells, token, cost, 1);
    }

    private CompletableFuture<ScoreRow[]> cellScores(LoadedModel model, PreparedFrame frame, int[] cells,
                                                     CancellationToken token, FrameCost cost, int attempt) {
        int n = model.layerHeight() * model.layerWidth();
        FrameCache.CellKey key = new FrameCache.CellKey(model.name(), frame.hash());
        ScoreTable table = cache.getOrCreate(key, ScoreTable.bytesFor(n, model.classes()),
                k -> new ScoreTable(n, model.classes()));
        ScoreTable.Claim claim = table.claim(cells);
        List<Integer> missing = claim.missing();
        if (!missing.isEmpty()) {
            HeadPass pass;
            try {
                pass = model.headPass();
            } catch (RuntimeException e) {
                table.release(missing, e);
                return CompletableFuture.failedFuture(e);
            }
            List<HeadPass.Item> items = new ArrayList<>(missing.size());
            for (int b : missing) {
                items.add(new HeadPass.Item(frame.features(), b));
            }
            runInto(table, missing, pass, items, token, cost);
        }
        return claim.rows().exceptionallyCompose(error -> retryable(error, token, attempt)
                ? cellScores(model, frame, cells, token, cost, attempt + 1)
                : CompletableFuture.failedFuture(unwrap(error)));
    }

    /** Queues the claimed rows' items; fills the table with their results or releases the rows on failure. */
    private <I> void runInto(ScoreTable table, List<Integer> claimed, BatchKind<I> pass, List<I> items,
                             CancellationToken token, FrameCost cost) {
        cost.addPasses(items.size());
        // other requests wait on the claimed rows: each must be filled or released, whatever happens
        try {
            scheduler.submit(pass, items, token, cost::addQueueNanos).whenComplete((results, error) -> {
                try {
                    if (error != null) {
                        throw error;
                    }
                    for (int i = 0; i < claimed.size(); i++) {
                        table.fill(claimed.get(i), (ScoreRow) results.get(i));
                    }
                } catch (Throwable t) {
                    table.release(claimed, unwrap(t));
                }
            });
        } catch (RuntimeException e) {
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
