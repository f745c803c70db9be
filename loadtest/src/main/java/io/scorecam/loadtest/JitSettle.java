package io.scorecam.loadtest;

import io.scorecam.server.lifecycle.JitQuiet;

import java.util.function.BooleanSupplier;

/**
 * Extends a phase's warm-up until the JVM's JIT compilers are quiet, so a RESULT line measures the steady
 * state and not the compile storm of a fresh JVM: on the bundled model, one stream, the C2 compiler thread
 * still took 4% of the CPU 30 s after start and 0.3% after ~110 s, and exact SCORE_CAM's efficiency read
 * 0.80-0.84 in 8-s phases against 0.89 in an 80-s one (loadtest/RESULTS.md, session 5). The measurement is the
 * server's own start-up one ({@link JitQuiet}); how fast a fresh server gets warm is the warm-up benchmark's
 * question.
 */
final class JitSettle {
    private final double maxSeconds;
    private final double quietShare;
    private final long windowMillis;

    /**
     * @param maxSeconds longest extension (0: off)
     * @param quietShare compile time per wall time per core that counts as quiet, e.g. 0.01
     */
    JitSettle(double maxSeconds, double quietShare) {
        this(maxSeconds, quietShare, 2000);
    }

    JitSettle(double maxSeconds, double quietShare, long windowMillis) {
        this.maxSeconds = maxSeconds;
        this.quietShare = quietShare;
        this.windowMillis = windowMillis;
    }

    static JitSettle off() {
        return new JitSettle(0, 1);
    }

    /**
     * Waits in windows (2 s by default) until one compiles for at most {@code quietShare} of the cores' time;
     * returns the last window's verdict (OFF when off, BUSY when the run stopped first).
     */
    JitQuiet.Check await(BooleanSupplier running) throws InterruptedException {
        JitQuiet jit = JitQuiet.ofThisJvm(Math.round(maxSeconds * 1000), windowMillis, quietShare);
        if (jit.off()) {
            return new JitQuiet.Check(JitQuiet.Decision.OFF, 0, 0, 0);
        }
        jit.start();
        JitQuiet.Check last = new JitQuiet.Check(JitQuiet.Decision.BUSY, 0, 0, maxSeconds);
        while (running.getAsBoolean() && !last.done()) {
            Thread.sleep(jit.nextWindowMillis());
            last = jit.check();
        }
        return last;
    }
}
