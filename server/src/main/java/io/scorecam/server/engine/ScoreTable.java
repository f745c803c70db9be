package io.scorecam.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The K x C score matrix of one frame under one convention, filled channel by channel as masked passes
 * finish. Requests that need a channel another request already started wait for that pass instead of
 * running it again, so classes, methods and repeated frames share every pass.
 */
public final class ScoreTable {
    private final CompletableFuture<ScoreRow>[] rows;
    private final long bytes;

    @SuppressWarnings("unchecked")
    public ScoreTable(int channels, int classes) {
        this.rows = new CompletableFuture[channels];
        this.bytes = bytesFor(channels, classes);
    }

    /** What a full table of this size holds, for the cache's budget (known before any pass runs). */
    public static long bytesFor(int channels, int classes) {
        return 4L * channels * (classes + 2) + 16L * channels + 64;
    }

    /**
     * Claims the channels nobody has started yet. The caller must run exactly those (in order) and hand
     * each result to {@link #fill}; the returned list is empty when everything is already under way.
     */
    public synchronized List<Integer> claimMissing(int[] channels) {
        List<Integer> missing = new ArrayList<>();
        for (int k : channels) {
            if (rows[k] == null) {
                rows[k] = new CompletableFuture<>();
                missing.add(k);
            }
        }
        return missing;
    }

    public void fill(int channel, ScoreRow row) {
        rowFuture(channel).complete(row);
    }

    /** Forgets the claimed rows that failed, so a later request may try them again. */
    public synchronized void release(List<Integer> channels, Throwable failure) {
        for (int k : channels) {
            CompletableFuture<ScoreRow> f = rows[k];
            if (f != null && !f.isDone()) {
                rows[k] = null;
                f.completeExceptionally(failure);
            }
        }
    }

    /** Completes when every given channel has its row. */
    public CompletableFuture<ScoreRow[]> rows(int[] channels) {
        CompletableFuture<?>[] waits = new CompletableFuture<?>[channels.length];
        for (int i = 0; i < channels.length; i++) {
            waits[i] = rowFuture(channels[i]);
        }
        return CompletableFuture.allOf(waits).thenApply(v -> {
            ScoreRow[] out = new ScoreRow[rows.length];
            for (int k : channels) {
                out[k] = rowFuture(k).join();
            }
            return out;
        });
    }

    private synchronized CompletableFuture<ScoreRow> rowFuture(int channel) {
        CompletableFuture<ScoreRow> f = rows[channel];
        if (f == null) {
            throw new IllegalStateException("channel " + channel + " was never claimed");
        }
        return f;
    }

    public long bytes() {
        return bytes;
    }
}
