package io.scorecam.server.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT-quiet decision on a fake compile-time source and a fake clock: no JVM timing involved. */
class JitQuietTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong compiledMs = new AtomicLong(5_000);

    /** 2 cores, 2-s windows, quiet at 1% of the cores' time, cap in ms. */
    private JitQuiet meter(long capMs) {
        return new JitQuiet(compiledMs::get, nanos::get, 2, capMs, 2000, 0.01);
    }

    /** The caller waits what the meter asks, while the JIT compiles {@code compileMsPerWindow} per 2-s window. */
    private JitQuiet.Check window(JitQuiet jit, long compileMsPerWindow) {
        long wait = jit.nextWindowMillis();
        nanos.addAndGet(wait * 1_000_000L);
        compiledMs.addAndGet(compileMsPerWindow * wait / 2000);
        return jit.check();
    }

    @Test
    void aQuietWindowStopsTheWarmUp() {
        JitQuiet jit = meter(60_000).start();
        // 2 ms of compiling per 2 s on 2 cores = 0.05%
        JitQuiet.Check c = window(jit, 2);
        assertEquals(JitQuiet.Decision.QUIET, c.decision());
        assertTrue(c.done());
        assertEquals(0.0005, c.share(), 1e-9);
        assertEquals(2.0, c.elapsedSeconds(), 1e-9);
    }

    @Test
    void aBusyJitContinuesUntilItQuietens() {
        JitQuiet jit = meter(60_000).start();
        // 4% then 2% of the CPU: busy; then 0.5%: quiet
        JitQuiet.Check first = window(jit, 160);
        assertEquals(JitQuiet.Decision.BUSY, first.decision());
        assertEquals(0.04, first.share(), 1e-9);
        assertEquals("compiling 4.0% of the CPU, 2 s of at most 60", first.progress());
        assertEquals(JitQuiet.Decision.BUSY, window(jit, 80).decision());
        JitQuiet.Check quiet = window(jit, 20);
        assertEquals(JitQuiet.Decision.QUIET, quiet.decision());
        assertEquals(6.0, quiet.elapsedSeconds(), 1e-9);
    }

    @Test
    void aJitBusyForeverStopsExactlyAtTheCapNeverBeyond() {
        long capMs = 7_300; // not a whole number of windows: the last one is cut short
        JitQuiet jit = meter(capMs).start();
        long start = nanos.get();
        JitQuiet.Check c;
        int windows = 0;
        do {
            assertTrue(jit.nextWindowMillis() <= 2000);
            c = window(jit, 400); // 10%
            windows++;
            assertTrue(nanos.get() - start <= capMs * 1_000_000L, "ran past the cap");
        } while (!c.done() && windows < 100);
        assertEquals(JitQuiet.Decision.CAP, c.decision());
        assertEquals(4, windows); // 2 + 2 + 2 + 1.3 s
        assertEquals(7.3, c.elapsedSeconds(), 1e-9);
        assertEquals(0, jit.nextWindowMillis());
        assertTrue(c.describe().contains("still busy at the cap"), c.describe());
    }

    @Test
    void theShareIsPerCoreOfTheWindowActuallyWaited() {
        JitQuiet jit = meter(60_000).start();
        nanos.addAndGet(4_000_000_000L); // the caller came back late: a 4-s window
        compiledMs.addAndGet(120); // 120 ms over 8 core-seconds = 1.5%
        assertEquals(0.015, jit.check().share(), 1e-9);
    }

    @Test
    void offWhenTheCapIsZeroOrCompileTimeIsNotMeasurable() {
        JitQuiet off = meter(0);
        assertTrue(off.off());
        assertEquals(JitQuiet.Decision.OFF, off.start().check().decision());

        JitQuiet blind = new JitQuiet(() -> -1, nanos::get, 2, 60_000, 2000, 0.01);
        assertTrue(blind.off());
        blind.start();
        nanos.addAndGet(2_000_000_000L);
        assertEquals(JitQuiet.Decision.OFF, blind.check().decision());

        assertFalse(meter(60_000).off());
    }

    @Test
    void thisJvmCanBeMeasured() {
        // HotSpot monitors compile time; the benchmark and the server both rely on it
        assertFalse(JitQuiet.ofThisJvm(1000, 100, 0.01).off());
    }
}
