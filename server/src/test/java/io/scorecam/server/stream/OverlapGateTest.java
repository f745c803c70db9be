package io.scorecam.server.stream;

import io.scorecam.server.stream.OverlapGate.Start;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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

    /** How many of {@code n} decisions gave each start. */
    private static Map<Start, Integer> decide(OverlapGate g, int n) {
        Map<Start, Integer> count = new EnumMap<>(Start.class);
        for (Start s : Start.values()) {
            count.put(s, 0);
        }
        for (int i = 0; i < n; i++) {
            count.merge(g.nextStart(), 1, Integer::sum);
        }
        return count;
    }

    @Test
    void firstMeasuresALoneFrameThenTriesTwo() {
        OverlapGate g = new OverlapGate();
        assertEquals(Start.ALONE, g.nextStart(), "no lone frame measured yet");
        for (int i = 0; i < OverlapGate.MIN_SAMPLES; i++) {
            g.record(10 * MS, false);
        }
        assertEquals(Start.BESIDE, g.nextStart(), "overlap is tried before it is judged");
        assertFalse(g.overlapPays(), "not judged without overlapped samples");
    }

    @Test
    void startsBesideWhileOverlappedFramesStayWithinTheRatio() {
        OverlapGate g = measured(10, 12);
        assertTrue(g.overlapPays());
        int n = 10 * OverlapGate.PROBE_EVERY + 1;
        // all but the lone probes: every PROBE_EVERY decisions one frame alone, its successor in its tail
        assertEquals(Map.of(Start.ALONE, 10, Start.TAIL, 10, Start.BESIDE, n - 20), decide(g, n));
    }

    @Test
    void startsInTheTailWhenOverlapOnlyAddsLatencyButProbesBothModesNowAndThen() {
        OverlapGate g = measured(10, 20);
        assertFalse(g.overlapPays());
        int n = 10 * OverlapGate.BESIDE_PROBE_EVERY;
        int alone = n / OverlapGate.PROBE_EVERY;
        assertEquals(Map.of(Start.ALONE, alone, Start.TAIL, n - alone - 10, Start.BESIDE, 10), decide(g, n),
                "a lone frame every PROBE_EVERY decisions, two beside each other every BESIDE_PROBE_EVERY");
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
    void oneFrameHeldUpByACollectionDoesNotTurnTheOverlapOff() {
        OverlapGate g = measured(10, 11);
        for (int i = 0; i < OverlapGate.WINDOW; i++) {
            g.record(11 * MS, true);
        }
        g.record(60 * MS, true); // a GC pause or a compile in the middle of one frame
        assertTrue(g.overlapPays(), "overlapped " + g.overlappedMs() + " ms vs alone " + g.aloneMs());
        assertEquals(11.0, g.overlappedMs(), 1e-9, "the typical overlapped frame, not the mean");
        assertEquals(Start.BESIDE, g.nextStart());
    }

    @Test
    void overlapThatStoppedPayingIsTriedAgainSoonThenEverMoreRarely() {
        OverlapGate g = measured(10, 11);
        decide(g, 3); // paying: two beside each other
        for (int i = 0; i < OverlapGate.WINDOW; i++) {
            g.record(25 * MS, true); // the machine got busy for a moment
        }
        List<Integer> probes = new ArrayList<>();
        for (int i = 1; i <= 2 * OverlapGate.BESIDE_PROBE_EVERY; i++) {
            if (g.nextStart() == Start.BESIDE) {
                probes.add(i);
            }
        }
        int first = OverlapGate.FIRST_BESIDE_PROBE; // counted from the first decision, which sees the change
        assertEquals(List.of(1 + first, 1 + 3 * first, 1 + 7 * first, 1 + 15 * first, 1 + 31 * first),
                probes.subList(0, 5),
                "the first pair probe soon after the change, then each twice as far");
        assertEquals(1, g.changes(), "one change of mind");
        for (int i = 0; i < OverlapGate.WINDOW; i++) {
            g.record(11 * MS, true); // quiet again: the probes said so
        }
        assertEquals(Start.BESIDE, g.nextStart());
        assertEquals(2, g.changes());
    }

    @Test
    void theRatioIsTheBoundary() {
        assertTrue(measured(10, 14).overlapPays(), "1.4 x is allowed");
        assertFalse(measured(10, 15).overlapPays(), "1.5 x is not");
    }
}
