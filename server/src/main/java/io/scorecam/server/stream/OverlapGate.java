package io.scorecam.server.stream;

import java.util.Arrays;

/**
 * LATEST's default window, derived from measured frame times: may a second frame run beside the one in flight?
 * One frame in flight leaves a core idle when its steps run one after the other (decode, feature pass, scoring,
 * combine, encode: a live MobileNetV2 frame keeps about one of two cores busy); two fill it. When a lone frame
 * already fills the engine (exact Score-CAM's K+1 passes), two only share it: each frame then takes about twice
 * as long and answers come no faster, by Little's law.
 *
 * <p>So it measures both: the server time (submit to answer) of frames that started with no other in flight and
 * of frames that overlapped another from its start, each as the median of its last {@link #WINDOW} samples, and
 * lets the second frame start beside the first while an overlapped frame takes at most {@link #MAX_RATIO} x a
 * lone one (then two frames in flight answer more frames per second, each within the latency a live stream is
 * allowed). A median, not a mean: a moving average moved by a fifth of one frame's delay when a collection or a
 * compile held that frame up (one 60-ms frame turned 11 ms into 20.8 and overlap off); the median stays on the
 * typical frame, as the live goal's p50 does. Otherwise the next frame starts in the running one's tail (its
 * work all taken): cheap whatever the method, but not a measurement of either mode, since it waits for that
 * frame's last passes. Both sides are re-measured now and then: every {@link #PROBE_EVERY} decisions a lone
 * frame is tried once; and while two do not pay, a pair beside each other, soon after overlap stopped paying
 * and then ever more rarely (up to every {@link #BESIDE_PROBE_EVERY}), so a machine that gets busier (or
 * quieter) moves the decision. Pure: no clock, no threads; {@link StreamWindow} feeds it.
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
    /** Samples of a mode before its median is trusted. */
    static final int MIN_SAMPLES = 3;
    /** The last so many samples of a mode make its median: about a second of live frames in each mode. */
    static final int WINDOW = 9;
    /** Every so many decisions a lone frame is tried once, to keep its median current. */
    static final int PROBE_EVERY = 32;
    /**
     * While two beside each other do not pay, they are tried at most every so many decisions: each such probe
     * makes two frames slow, and at one in 32 starts they reached the p95 of exact Score-CAM (56.6 ms against
     * 46.6 without them, session 11).
     */
    static final int BESIDE_PROBE_EVERY = 4 * PROBE_EVERY;
    /**
     * The first pair probe after overlap stopped paying comes this many decisions later, and each next one twice
     * as far: a stream whose overlap paid is likely to pay again soon (the machine was busy for a moment), so it
     * is re-measured within about a second, while a method that never paid is probed only every
     * {@link #BESIDE_PROBE_EVERY}.
     */
    static final int FIRST_BESIDE_PROBE = 8;

    private final Samples alone = new Samples();
    private final Samples overlapped = new Samples();
    private long decisions;
    /** After a lone probe: its successor starts only in its tail, so nothing overlaps the probe. */
    private boolean tailAfterProbe;
    /** What the last decision found; for the changes, and to start the pair probes' back-off afresh. */
    private boolean paidLast;
    private long changes;
    /** Decisions between pair probes while two do not pay, and the decision of the next one. */
    private long besideGap = BESIDE_PROBE_EVERY;
    private long nextBesideProbe = BESIDE_PROBE_EVERY;

    /**
     * A frame was answered after {@code nanos}; {@code overlapped}: another frame ran beside it from that one's
     * start, else it started with none in flight (frames started in a tail are not measured).
     */
    void record(long nanos, boolean overlapped) {
        (overlapped ? this.overlapped : alone).add(nanos);
    }

    /** A frame waits while one is in flight: when may it start? Asked once per start. */
    Start nextStart() {
        if (alone.count < MIN_SAMPLES) {
            return Start.ALONE; // first the time of a frame alone
        }
        if (overlapped.count < MIN_SAMPLES) {
            return Start.BESIDE; // then of two
        }
        long turn = ++decisions % PROBE_EVERY;
        boolean pays = overlapPays();
        if (decisions > 1 && pays != paidLast) {
            changes++;
            if (!pays) { // it paid a moment ago: look again soon
                besideGap = FIRST_BESIDE_PROBE;
                nextBesideProbe = decisions + besideGap;
            }
        }
        paidLast = pays;
        if (tailAfterProbe) {
            tailAfterProbe = false;
            return Start.TAIL;
        }
        if (pays) {
            if (turn == 0) {
                tailAfterProbe = true;
                return Start.ALONE;
            }
            return Start.BESIDE;
        }
        if (decisions >= nextBesideProbe) {
            besideGap = Math.min(2 * besideGap, BESIDE_PROBE_EVERY);
            nextBesideProbe = decisions + besideGap;
            return Start.BESIDE;
        }
        return turn == PROBE_EVERY / 2 ? Start.ALONE : Start.TAIL;
    }

    /** Whether, on what was measured so far, two frames in flight cost no more than {@link #MAX_RATIO}. */
    boolean overlapPays() {
        return alone.count >= MIN_SAMPLES && overlapped.count >= MIN_SAMPLES
                && overlapped.median() <= MAX_RATIO * alone.median();
    }

    /** Times the decision changed, after its first (for the stream's end line). */
    long changes() {
        return changes;
    }

    /** Median server time of a lone frame, ms (NaN before any). */
    double aloneMs() {
        return alone.count == 0 ? Double.NaN : alone.median() / 1e6;
    }

    /** Median server time of an overlapped frame, ms (NaN before any). */
    double overlappedMs() {
        return overlapped.count == 0 ? Double.NaN : overlapped.median() / 1e6;
    }

    /** The last {@link #WINDOW} samples of one mode. */
    private static final class Samples {
        private final long[] ring = new long[WINDOW];
        private int count;
        private int next;

        void add(long nanos) {
            ring[next] = nanos;
            next = (next + 1) % WINDOW;
            count = Math.min(count + 1, WINDOW);
        }

        /** The median of the samples kept (the upper one of an even count); asked once per decision. */
        double median() {
            long[] sorted = Arrays.copyOf(ring, count);
            Arrays.sort(sorted);
            return sorted[count / 2];
        }
    }
}
