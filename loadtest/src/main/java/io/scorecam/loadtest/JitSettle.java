package io.scorecam.loadtest;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Extends a phase's warm-up until the JVM's JIT compilers are quiet, so a RESULT line measures the steady
 * state and not the compile storm of a fresh JVM: on the bundled model, one stream, the C2 compiler thread
 * still took 4% of the CPU 30 s after start and 0.3% after ~110 s, and exact SCORE_CAM's efficiency read
 * 0.80-0.84 in 8-s phases against 0.89 in an 80-s one (loadtest/RESULTS.md, session 5). How fast a fresh
 * server gets there is a different question, answered by the warm-up benchmark.
 */
final class JitSettle {
    private final double maxSeconds;
    private final double quietShare;
    private final int cores;
    private final long windowMillis;
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();

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
        this.cores = Runtime.getRuntime().availableProcessors();
    }

    static JitSettle off() {
        return new JitSettle(0, 1);
    }

    /** What the phase line says about it, e.g. "settled after 41.0 s" or "cap 90 s reached". */
    record Outcome(double seconds, boolean settled, double lastShare) {
        String describe() {
            return String.format(Locale.ROOT, "%s after %.1f s (JIT %.2f%% of the CPU in the last window)",
                    settled ? "JIT quiet" : "JIT still busy at the cap", seconds, lastShare * 100);
        }
    }

    /** Waits in windows (2 s by default) until one compiles for at most {@code quietShare} of the cores' time. */
    Outcome await(BooleanSupplier running) throws InterruptedException {
        if (maxSeconds <= 0 || !jit.isCompilationTimeMonitoringSupported()) {
            return new Outcome(0, true, 0);
        }
        long start = System.nanoTime();
        long limit = start + (long) (maxSeconds * 1e9);
        double share = 0;
        while (running.getAsBoolean() && System.nanoTime() < limit) {
            long t0 = System.nanoTime();
            long c0 = jit.getTotalCompilationTime();
            Thread.sleep(windowMillis);
            double wallMs = (System.nanoTime() - t0) / 1e6;
            share = (jit.getTotalCompilationTime() - c0) / (wallMs * cores);
            if (share <= quietShare) {
                return new Outcome((System.nanoTime() - start) / 1e9, true, share);
            }
        }
        return new Outcome((System.nanoTime() - start) / 1e9, false, share);
    }
}
