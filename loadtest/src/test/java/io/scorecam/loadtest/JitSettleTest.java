package io.scorecam.loadtest;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitSettleTest {

    @Test
    void aQuietJitEndsTheWarmUpAfterOneWindow() throws InterruptedException {
        JitSettle.Outcome o = new JitSettle(30, 1.0, 50).await(() -> true);
        assertTrue(o.settled(), o.describe());
        assertTrue(o.seconds() < 5, o.describe());
    }

    @Test
    void aJitThatNeverCountsAsQuietStopsAtTheCap() throws InterruptedException {
        JitSettle.Outcome o = new JitSettle(0.3, -1, 50).await(() -> true);
        assertFalse(o.settled(), o.describe());
        assertTrue(o.seconds() >= 0.3 && o.seconds() < 5, o.describe());
        assertTrue(o.describe().contains("still busy"), o.describe());
    }

    @Test
    void offAndAStoppedRunDoNotWait() throws InterruptedException {
        assertEquals(0, JitSettle.off().await(() -> true).seconds());
        AtomicBoolean running = new AtomicBoolean(false);
        assertTrue(new JitSettle(30, -1, 50).await(running::get).seconds() < 1);
    }
}
