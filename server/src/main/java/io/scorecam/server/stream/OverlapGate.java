package io.scorecam.server.stream;

/**
 * LATEST's default window, derived from measured frame times: may a second frame start while the first runs
 * to its end (its work all taken by the engine)? One frame in flight leaves the engine idle between two frames
 * (the next frame's decode and feature pass wait for the previous one's last passes, encode and write); two
 * fill that gap but, on a saturated CPU, only share it: each frame then takes longer and a queue builds.
 *
 * <p>So it measures both: the server time (submit to answer) of frames that ran alone and of frames that
 * overlapped another, as moving averages, and allows the early start while an overlapped frame takes at most
 * {@link #MAX_RATIO} x a lone one (then two frames in flight answer more frames per second at about the same
 * latency; past it they only add latency, by Little's law). Both sides are re-measured now and then: every
 * {@link #PROBE_EVERY} decisions the other mode is tried once, so a machine that gets busier (or quieter) moves
 * the decision. Pure: no clock, no threads; {@link StreamWindow} feeds it.
 */
final class OverlapGate {
    /** An overlapped frame may take this much longer than a lone one (leaves room under a 1.5 x p50 target). */
    static final double MAX_RATIO = 1.3;
    /** Samples of a mode before its average is trusted. */
    static final int MIN_SAMPLES = 3;
    /** Every so many decisions, the mode not chosen is tried once to keep its average current. */
    static final int PROBE_EVERY = 32;
    /** Weight of a new sample in a moving average. */
    private static final double ALPHA = 0.2;

    private double aloneNanos;
    private double overlappedNanos;
    private int aloneSamples;
    private int overlappedSamples;
    private int decisions;
    /** Releases still to refuse for a lone probe (two in a row: the one after the refused frame starts alone). */
    private int refuseLeft;

    /** A submitted frame was answered after {@code nanos}; {@code overlapped}: another frame ran beside it. */
    void record(long nanos, boolean overlapped) {
        if (overlapped) {
            overlappedNanos = overlappedSamples++ == 0 ? nanos : overlappedNanos + ALPHA * (nanos - overlappedNanos);
        } else {
            aloneNanos = aloneSamples++ == 0 ? nanos : aloneNanos + ALPHA * (nanos - aloneNanos);
        }
    }

    /** A running frame's work is all taken: may the next frame start before it is answered? */
    boolean allowEarlyStart() {
        if (aloneSamples < MIN_SAMPLES) {
            return false; // first the time of a frame alone
        }
        if (overlappedSamples < MIN_SAMPLES) {
            return true; // then try two
        }
        boolean probe = ++decisions % PROBE_EVERY == 0;
        if (refuseLeft > 0) {
            refuseLeft--;
            return false;
        }
        if (overlapPays()) {
            if (probe) {
                refuseLeft = 1;
                return false;
            }
            return true;
        }
        return probe;
    }

    /** Whether, on what was measured so far, two frames in flight cost no more than {@link #MAX_RATIO}. */
    boolean overlapPays() {
        return aloneSamples >= MIN_SAMPLES && overlappedSamples >= MIN_SAMPLES
                && overlappedNanos <= MAX_RATIO * aloneNanos;
    }

    /** Mean server time of a lone frame, ms (NaN before any). */
    double aloneMs() {
        return aloneSamples == 0 ? Double.NaN : aloneNanos / 1e6;
    }

    /** Mean server time of an overlapped frame, ms (NaN before any). */
    double overlappedMs() {
        return overlappedSamples == 0 ? Double.NaN : overlappedNanos / 1e6;
    }
}
