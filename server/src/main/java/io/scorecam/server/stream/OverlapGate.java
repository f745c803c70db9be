package io.scorecam.server.stream;

/**
 * LATEST's default window, derived from measured frame times: may a second frame run beside the one in flight?
 * One frame in flight leaves a core idle when its steps run one after the other (decode, feature pass, scoring,
 * combine, encode: a live MobileNetV2 frame keeps about one of two cores busy); two fill it. When a lone frame
 * already fills the engine (exact Score-CAM's K+1 passes), two only share it: each frame then takes about twice
 * as long and answers come no faster, by Little's law.
 *
 * <p>So it measures both: the server time (submit to answer) of frames that started with no other in flight and
 * of frames that overlapped another from its start, as moving averages, and lets the second frame start beside
 * the first while an overlapped frame takes at most {@link #MAX_RATIO} x a lone one (then two frames in flight
 * answer more frames per second, each within the latency a live stream is allowed). Otherwise the next frame
 * starts in the running one's tail (its work all taken): cheap whatever the method, but not a measurement of
 * either mode, since it waits for that frame's last passes. Both sides are re-measured now and then: every
 * {@link #PROBE_EVERY} decisions a lone frame is tried once, and every {@link #BESIDE_PROBE_EVERY} two beside
 * each other while they do not pay, so a machine that gets busier (or quieter) moves the decision. Pure: no
 * clock, no threads; {@link StreamWindow} feeds it.
 */
final class OverlapGate {
    /** How the next frame may start while one is in flight. */
    enum Start {
        /** Only once no frame is in flight: measures a lone frame. */
        ALONE,
        /** Once the running frame's work is all taken (released). */
        TAIL,
        /** At once, beside the running frame. */
        BESIDE
    }

    /**
     * An overlapped frame may take this much longer than a lone one: leaves room under a live p50 of 1.5 x one
     * frame's time for the wait of a frame for its slot. Two frames in flight then answer up to 2 / 1.4 = 1.4 x
     * as many frames. Measured in session 11: MobileNetV2 RECIPRO_CAM overlaps at 0.92 -- 1.22 x, exact Score-CAM
     * on the bundled model (a lone frame's passes already on both cores) at 1.56 -- 1.61 x.
     */
    static final double MAX_RATIO = 1.4;
    /** Samples of a mode before its average is trusted. */
    static final int MIN_SAMPLES = 3;
    /** Every so many decisions a lone frame is tried once, to keep its average current. */
    static final int PROBE_EVERY = 32;
    /**
     * While two beside each other do not pay, they are tried only every so many decisions: each such probe
     * makes two frames slow, and at one in 32 starts they reached the p95 of exact Score-CAM (56.6 ms against
     * 46.6 without them, session 11).
     */
    static final int BESIDE_PROBE_EVERY = 4 * PROBE_EVERY;
    /** Weight of a new sample in a moving average. */
    private static final double ALPHA = 0.2;

    private double aloneNanos;
    private double overlappedNanos;
    private int aloneSamples;
    private int overlappedSamples;
    private long decisions;
    /** After a lone probe: its successor starts only in its tail, so nothing overlaps the probe. */
    private boolean tailAfterProbe;

    /**
     * A frame was answered after {@code nanos}; {@code overlapped}: another frame ran beside it from that one's
     * start, else it started with none in flight (frames started in a tail are not measured).
     */
    void record(long nanos, boolean overlapped) {
        if (overlapped) {
            overlappedNanos = overlappedSamples++ == 0 ? nanos : overlappedNanos + ALPHA * (nanos - overlappedNanos);
        } else {
            aloneNanos = aloneSamples++ == 0 ? nanos : aloneNanos + ALPHA * (nanos - aloneNanos);
        }
    }

    /** A frame waits while one is in flight: when may it start? Asked once per start. */
    Start nextStart() {
        if (aloneSamples < MIN_SAMPLES) {
            return Start.ALONE; // first the time of a frame alone
        }
        if (overlappedSamples < MIN_SAMPLES) {
            return Start.BESIDE; // then of two
        }
        long turn = ++decisions % PROBE_EVERY;
        if (tailAfterProbe) {
            tailAfterProbe = false;
            return Start.TAIL;
        }
        if (overlapPays()) {
            if (turn == 0) {
                tailAfterProbe = true;
                return Start.ALONE;
            }
            return Start.BESIDE;
        }
        if (decisions % BESIDE_PROBE_EVERY == 0) {
            return Start.BESIDE;
        }
        return turn == PROBE_EVERY / 2 ? Start.ALONE : Start.TAIL;
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
