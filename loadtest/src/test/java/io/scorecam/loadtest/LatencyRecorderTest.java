package io.scorecam.loadtest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coordinated-omission correction on synthetic timings (no clocks involved). */
class LatencyRecorderTest {
    private static final long MS = 1_000_000L;

    @Test
    void openLoopChargesAStallToEveryFrameItHeldBack() {
        // 100 fps for 2 s; the server answers in 5 ms, except that it stalls for 1 s from t=500 ms: the
        // client cannot send during the stall, so frames due then leave when it ends
        LatencyRecorder r = new LatencyRecorder();
        long stallStart = 500 * MS;
        long stallEnd = 1500 * MS;
        for (int i = 0; i < 200; i++) {
            long intended = i * 10 * MS;
            long sent = intended >= stallStart && intended < stallEnd ? stallEnd : intended;
            r.recordOpenLoop(intended, sent, sent + 5 * MS);
        }
        LatencyRecorder.LatencyStats naive = r.uncorrected();
        LatencyRecorder.LatencyStats fair = r.corrected();
        assertEquals(200, fair.count());
        // measured from the actual send, the stall vanishes: every frame took 5 ms
        assertEquals(5.0, naive.p99(), 0.01);
        assertEquals(5.0, naive.max(), 0.01);
        // from the intended time, the 100 frames due during the stall waited up to 1 s: half the run
        assertTrue(fair.p50() > 4.9 && fair.p50() < 20, "p50 " + fair.p50());
        assertTrue(fair.p95() > 800, "p95 " + fair.p95());
        assertEquals(1005.0, fair.max(), 1.0);
        // the frame due at 1000 ms (midway) left at 1500 ms: 505 ms
        assertTrue(fair.mean() > 200, "mean " + fair.mean());
    }

    @Test
    void withoutAStallBothViewsAgree() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 100; i++) {
            long intended = i * 10 * MS;
            r.recordOpenLoop(intended, intended, intended + (i % 10 + 1) * MS);
        }
        assertEquals(r.uncorrected().p99(), r.corrected().p99(), 1e-9);
        assertEquals(10.0, r.corrected().max(), 0.01);
        assertEquals(5.5, r.corrected().mean(), 0.01);
    }

    @Test
    void closedLoopWithAnExpectedIntervalBackFillsTheMissedSamples() {
        // a sender meant to send every 10 ms saw one 1 s response among 99 of 1 ms
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 99; i++) {
            r.recordClosedLoop(0, MS, 10 * MS);
        }
        r.recordClosedLoop(0, 1000 * MS, 10 * MS);
        assertEquals(100, r.uncorrected().count());
        assertTrue(r.uncorrected().p95() < 1.1, "uncorrected p95 " + r.uncorrected().p95());
        // the stall hid ~99 sends (990, 980, ... 10 ms): they are added back
        assertTrue(r.corrected().count() >= 190, "corrected count " + r.corrected().count());
        assertTrue(r.corrected().p95() > 500, "corrected p95 " + r.corrected().p95());
    }
}
