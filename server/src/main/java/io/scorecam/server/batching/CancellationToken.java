package io.scorecam.server.batching;

/**
 * Lets a stream withdraw a frame it no longer wants (client cancel, deadline). Queued work of a
 * cancelled frame is dropped when a batch worker dequeues it.
 */
public final class CancellationToken {
    private volatile boolean cancelled;
    private final long deadlineNanos;

    public CancellationToken() {
        this(Long.MAX_VALUE);
    }

    /** @param deadlineNanos a {@link System#nanoTime()} instant after which the work is not wanted */
    public CancellationToken(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled || System.nanoTime() - deadlineNanos > 0;
    }

    public boolean deadlinePassed() {
        return System.nanoTime() - deadlineNanos > 0;
    }
}
