package io.scorecam.server.engine.cache;

import io.scorecam.server.engine.pass.ScoreRow;
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
     * What one request gets from the table: the channels it must run itself (nobody had started them;
     * possibly none) and the rows of all channels it asked for, complete when every one of them is in.
     */
    public record Claim(List<Integer> missing, CompletableFuture<ScoreRow[]> rows) {
    }

    /**
     * Claims the channels nobody has started yet and, in the same step, takes the rows of every asked
     * channel. The caller must run exactly {@code missing} (in order) and hand each result to {@link #fill}
     * or give up on them with {@link #release}. Taking the rows in the same step matters: a row another
     * request started may be released (its owner was cancelled) right after this call, and the waiter must
     * then see that failure (and retry) rather than find the channel unclaimed.
     */
    public synchronized Claim claim(int[] channels) {
        List<Integer> missing = new ArrayList<>();
        CompletableFuture<?>[] waits = new CompletableFuture<?>[channels.length];
        for (int i = 0; i < channels.length; i++) {
            int k = channels[i];
            if (rows[k] == null) {
                rows[k] = new CompletableFuture<>();
                missing.add(k);
            }
            waits[i] = rows[k];
        }
        int size = rows.length;
        CompletableFuture<ScoreRow[]> all = CompletableFuture.allOf(waits).thenApply(v -> {
            ScoreRow[] out = new ScoreRow[size];
            for (int i = 0; i < channels.length; i++) {
                out[channels[i]] = (ScoreRow) waits[i].join();
            }
            return out;
        });
        return new Claim(missing, all);
    }

    public void fill(int channel, ScoreRow row) {
        rowFuture(channel).complete(row);
    }

    /**
     * Forgets the claimed rows that failed, so a later request may try them again. Their waiters are told
     * after the table's lock is released: they may retry at once, which takes other locks.
     */
    public void release(List<Integer> channels, Throwable failure) {
        List<CompletableFuture<ScoreRow>> failed = new ArrayList<>(channels.size());
        synchronized (this) {
            for (int k : channels) {
                CompletableFuture<ScoreRow> f = rows[k];
                if (f != null && !f.isDone()) {
                    rows[k] = null;
                    failed.add(f);
                }
            }
        }
        failed.forEach(f -> f.completeExceptionally(failure));
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
