package io.scorecam.cli;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.cli.replay.ReplayStats;
import io.scorecam.cli.replay.SummaryTable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summary puts the client's round trip next to the server's own time and says what lies between. */
class ReplayStatsTest {
    private static ExplainResponse ok(float queueMs, float computeMs) {
        return ExplainResponse.newBuilder().setStatus(FrameStatus.OK).setQueueMs(queueMs).setComputeMs(computeMs)
                .setTotalMs(queueMs + computeMs).setForwardPasses(3).build();
    }

    @Test
    void serverTimesComeFromTheResponsesAndTheRestIsOutsideTheServer() {
        ReplayStats stats = new ReplayStats();
        stats.sent(0);
        for (int i = 1; i <= 9; i++) {
            // server: 2 ms queue + i ms compute; client: 100 ms more than the server each time
            stats.answered(ok(2, i), (long) ((102 + i) * 1e6), (long) (i * 1e9));
        }
        stats.answered(ExplainResponse.newBuilder().setStatus(FrameStatus.ERROR).setTotalMs(999).build(),
                (long) 5e9, (long) 10e9);
        ReplayStats.Snapshot s = stats.snapshot();
        assertEquals(9, s.ok());
        assertEquals(1, s.error());
        assertEquals(107.0, s.p50(), 0.2, "client p50");
        assertEquals(7.0, s.serverTotal().p50(), 0.05);
        assertEquals(11.0, s.serverTotal().max(), 0.05, "an ERROR frame's time is not an OK frame's");
        assertEquals(2.0, s.serverQueue().p50(), 0.05);
        assertEquals(5.0, s.serverCompute().p50(), 0.05);
        assertEquals(100.0, s.outsideServer().p50(), 0.2);
        assertEquals(100.0, s.outsideServer().max(), 0.2);

        String table = SummaryTable.format(s, 1);
        assertTrue(table.contains("server time (OK)") && table.contains("p50 7.0 ms"), table);
        assertTrue(table.contains("outside server") && table.contains("p50 100.0 ms"), table);
        assertTrue(table.contains("note: the server's clock starts"), "a large gap is explained:\n" + table);
    }

    @Test
    void noNoteWhenTheServerAccountsForMostOfTheRoundTrip() {
        ReplayStats stats = new ReplayStats();
        stats.sent(0);
        stats.answered(ok(1, 40), (long) 42e6, (long) 1e9);
        String table = SummaryTable.format(stats.snapshot(), 1);
        assertFalse(table.contains("note:"), table);
        assertTrue(table.contains("p50 1.0 ms"), "outside the server: 42 - 41 ms\n" + table);
    }

    /** Issue 16 item 10: no "p50 0.0 ms" when nothing was OK, and the first error reasons on screen. */
    @Test
    void noOkFrameSaysSoAndTheFirstErrorsAreShown() {
        ReplayStats stats = new ReplayStats();
        stats.sent(0);
        for (int i = 1; i <= 5; i++) {
            stats.answered(ExplainResponse.newBuilder().setFrameId(i).setStatus(FrameStatus.ERROR)
                    .setErrorCode("NOT_FOUND").setErrorMessage("unknown model 'x" + i + "'").build(), (long) 1e6, (long) (i * 1e9));
        }
        String table = SummaryTable.format(stats.snapshot(), 1);
        assertFalse(table.contains("p50 0.0 ms"), table);
        assertTrue(table.contains("no frame was answered OK"), table);
        assertTrue(table.contains("frame 1: NOT_FOUND unknown model 'x1'") && table.contains("frame 3: NOT_FOUND"), table);
        assertFalse(table.contains("frame 4: NOT_FOUND"), "only the first few:\n" + table);
        assertTrue(table.contains("2 more ERROR answers"), table);
    }
}
