package io.scorecam.cli.source;

/**
 * Which frames of a source are sent: from {@code startSeconds}, for {@code durationSeconds} (0: to the end),
 * every {@code every}-th decoded frame, at most {@code limit} (0: no limit).
 */
public record Selection(double startSeconds, double durationSeconds, int every, int limit) {
    public static final Selection ALL = new Selection(0, 0, 1, 0);

    public boolean pastEnd(double secondsIntoSelection, int sent) {
        return (durationSeconds > 0 && secondsIntoSelection >= durationSeconds) || (limit > 0 && sent >= limit);
    }

    /** Whether the n-th frame (0-based) within the selected time range is sent. */
    public boolean keeps(long n) {
        return n % every == 0;
    }
}
