package io.scorecam.server.stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LATEST's measured window: two frames in flight only while they cost about one frame's time each. */
class OverlapGateTest {
    private static final long MS = 1_000_000;

    private static OverlapGate measured(long aloneMs, long overlappedMs) {
        OverlapGate g = new OverlapGate();
        for (int i = 0; i < OverlapGate.MIN_SAMPLES; i++) {
            g.record(aloneMs * MS, false);
            g.record(overlappedMs * MS, true);
        }
        return g;
    }

    @Test
    void firstMeasuresALoneFrameThenTriesTwo() {
        OverlapGate g = new OverlapGate();
        assertFalse(g.allowEarlyStart(), "no lone frame measured yet");
        for (int i = 0; i < OverlapGate.MIN_SAMPLES; i++) {
            g.record(10 * MS, false);
        }
        assertTrue(g.allowEarlyStart(), "overlap is tried before it is judged");
        assertFalse(g.overlapPays(), "not judged without overlapped samples");
    }

    @Test
    void allowsTheEarlyStartWhileOverlappedFramesStayWithinTheRatio() {
        OverlapGate g = measured(10, 12);
        assertTrue(g.overlapPays());
        int allowed = 0;
        for (int i = 0; i < 10 * OverlapGate.PROBE_EVERY + 1; i++) {
            allowed += g.allowEarlyStart() ? 1 : 0;
        }
        // all but the lone probes: two refusals in a row every PROBE_EVERY decisions
        assertEquals(10 * OverlapGate.PROBE_EVERY + 1 - 20, allowed);
    }

    @Test
    void refusesWhenOverlapOnlyAddsLatencyButProbesNowAndThen() {
        OverlapGate g = measured(10, 20);
        assertFalse(g.overlapPays());
        int allowed = 0;
        for (int i = 0; i < 10 * OverlapGate.PROBE_EVERY; i++) {
            allowed += g.allowEarlyStart() ? 1 : 0;
        }
        assertEquals(10, allowed, "one probe per PROBE_EVERY decisions");
    }

    @Test
    void aMachineThatGetsBusierTurnsTheOverlapOffAndAQuieterOneBackOn() {
        OverlapGate g = measured(10, 11);
        assertTrue(g.overlapPays());
        for (int i = 0; i < 12; i++) {
            g.record(25 * MS, true); // another process takes a core: overlapped frames slow down
        }
        assertFalse(g.overlapPays(), "overlapped " + g.overlappedMs() + " ms vs alone " + g.aloneMs());
        for (int i = 0; i < 12; i++) {
            g.record(11 * MS, true);
        }
        assertTrue(g.overlapPays());
    }

    @Test
    void theRatioIsTheBoundary() {
        assertTrue(measured(10, 13).overlapPays(), "1.3 x is allowed");
        assertFalse(measured(10, 14).overlapPays(), "1.4 x is not");
    }
}
