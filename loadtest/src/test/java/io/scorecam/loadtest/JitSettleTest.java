package io.scorecam.loadtest;

import io.scorecam.server.lifecycle.JitQuiet;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitSettleTest {

    @Test
    void aQuietJitEndsTheWarmUpAfterOneWindow() throws InterruptedException {
        JitQuiet.Check o = new JitSettle(30, 1.0, 50).await(() -> true);
        assertEquals(JitQuiet.Decision.QUIET, o.decision(), o.describe());
        assertTrue(o.elapsedSeconds() < 5, o.describe());
    }

    @Test
    void aJitThatNeverCountsAsQuietStopsAtTheCap() throws InterruptedException {
        JitQuiet.Check o = new JitSettle(0.3, -1, 50).await(() -> true);
        assertEquals(JitQuiet.Decision.CAP, o.decision(), o.describe());
        assertTrue(o.elapsedSeconds() >= 0.3 && o.elapsedSeconds() < 5, o.describe());
        assertTrue(o.describe().contains("still busy"), o.describe());
    }

    @Test
    void offAndAStoppedRunDoNotWait() throws InterruptedException {
        assertEquals(0, JitSettle.off().await(() -> true).elapsedSeconds());
        AtomicBoolean running = new AtomicBoolean(false);
        assertTrue(new JitSettle(30, -1, 50).await(running::get).elapsedSeconds() < 1);
    }
}
