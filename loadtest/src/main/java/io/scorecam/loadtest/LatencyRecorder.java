package io.scorecam.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Per-frame latencies in two histograms. In an open loop each frame has an intended send time fixed by
 * the arrival rate; measuring from it (not from when the frame actually left) corrects coordinated
 * omission: a client held back by a stalled server still charges the stall to every frame it delayed.
 * The uncorrected histogram (from the actual send) is kept next to it to show how much that matters.
 * Values are stored in microseconds. Thread-safe.
 */
public final class LatencyRecorder {
    private static final long MAX_MICROS = 3_600_000_000L; // one hour

    private final Histogram corrected = new Histogram(MAX_MICROS, 3);
    private final Histogram uncorrected = new Histogram(MAX_MICROS, 3);

    /**
     * Records one answered frame of an open loop.
     *
     * @param intendedNanos when the schedule said the frame should be sent
     * @param sentNanos     when it was actually handed to the stream (later if the client was held back)
     * @param answeredNanos when its response arrived
     */
    public synchronized void recordOpenLoop(long intendedNanos, long sentNanos, long answeredNanos) {
        corrected.recordValue(micros(answeredNanos - intendedNanos));
        uncorrected.recordValue(micros(answeredNanos - sentNanos));
    }

    /**
     * Records one answered frame of a closed loop whose frames were meant to leave every
     * {@code expectedIntervalNanos} (0: no rate, nothing to correct): HdrHistogram back-fills the
     * samples a stalled sender would have taken.
     */
    public synchronized void recordClosedLoop(long sentNanos, long answeredNanos, long expectedIntervalNanos) {
        long value = micros(answeredNanos - sentNanos);
        uncorrected.recordValue(value);
        if (expectedIntervalNanos > 0) {
            corrected.recordValueWithExpectedInterval(value, Math.max(1, expectedIntervalNanos / 1000));
        } else {
            corrected.recordValue(value);
        }
    }

    public synchronized LatencyStats corrected() {
        return LatencyStats.of(corrected);
    }

    public synchronized LatencyStats uncorrected() {
        return LatencyStats.of(uncorrected);
    }

    private static long micros(long nanos) {
        return Math.min(MAX_MICROS, Math.max(0, nanos / 1000));
    }

    /** Percentiles in milliseconds. */
    public record LatencyStats(long count, double p50, double p95, double p99, double max, double mean) {
        static LatencyStats of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new LatencyStats(0, 0, 0, 0, 0, 0);
            }
            return new LatencyStats(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), h.getMean() / 1000.0);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }
}
