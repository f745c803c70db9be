package io.scorecam.server.lifecycle;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Whether the JVM's JIT compilers are still busy: the compile time of a window over the cores' time in it. A
 * fresh JVM under load compiles for tens of seconds (perf: C2 at 4% of the CPU 30 s after start, 0.3% at
 * ~110 s), and code still being compiled runs slower, so a warm-up that stops at a fixed time hands the first
 * clients a slow server. The caller runs its warm-up work, calls {@link #check()} once per window and goes on
 * while it says {@link Decision#BUSY}; it never runs past the cap. No thread, no sleeping: the server drives
 * it from Vert.x timers, the benchmark from its own loop. The compile-time source and the clock are injectable.
 */
public final class JitQuiet {
    /** Accumulated JIT compile time of the process in milliseconds, or negative when it cannot be measured. */
    @FunctionalInterface
    public interface CompileTime {
        long totalMillis();

        /** This JVM's compilers (CompilationMXBean); negative when the JVM does not monitor compile time. */
        static CompileTime ofThisJvm() {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
                return () -> -1;
            }
            return jit::getTotalCompilationTime;
        }
    }

    public enum Decision {
        /** Compiling more than the quiet share in the last window, and time is left: keep warming up. */
        BUSY,
        /** At most the quiet share in the last window: warm. */
        QUIET,
        /** Still busy, but the cap is reached. */
        CAP,
        /** Off (cap 0) or compile time is not measurable: do not extend. */
        OFF
    }

    /** One window's verdict: the share of the cores' time spent compiling, and the time since {@link #start()}. */
    public record Check(Decision decision, double share, double elapsedSeconds, double capSeconds) {
        public boolean done() {
            return decision != Decision.BUSY;
        }

        /** e.g. "compiling 2.1% of the CPU, 24 s of at most 60". */
        public String progress() {
            return String.format(Locale.ROOT, "compiling %.1f%% of the CPU, %.0f s of at most %.0f", share * 100,
                    elapsedSeconds, capSeconds);
        }

        /** e.g. "JIT quiet after 21.0 s (0.8% of the CPU in the last window)". */
        public String describe() {
            String what = switch (decision) {
                case QUIET, OFF -> "JIT quiet";
                case BUSY -> "JIT busy";
                case CAP -> "JIT still busy at the cap";
            };
            return String.format(Locale.ROOT, "%s after %.1f s (JIT %.2f%% of the CPU in the last window)", what,
                    elapsedSeconds, share * 100);
        }
    }

    private final CompileTime compileTime;
    private final LongSupplier nanoClock;
    private final int cores;
    private final long capNanos;
    private final long windowNanos;
    private final double quietShare;
    private long start;
    private long windowStart;
    private long compileAtWindowStart;

    /**
     * @param capMillis   longest time from {@link #start()} to the last check (0: off)
     * @param windowMillis length of one measuring window (the last one is cut at the cap)
     * @param quietShare  compile time over the cores' time at or below which the JIT counts as quiet, e.g. 0.01
     */
    public JitQuiet(CompileTime compileTime, LongSupplier nanoClock, int cores, long capMillis, long windowMillis,
                    double quietShare) {
        if (cores < 1 || capMillis < 0 || windowMillis < 1) {
            throw new IllegalArgumentException("cores " + cores + ", cap " + capMillis + " ms, window " + windowMillis + " ms");
        }
        this.compileTime = compileTime;
        this.nanoClock = nanoClock;
        this.cores = cores;
        this.capNanos = capMillis * 1_000_000L;
        this.windowNanos = windowMillis * 1_000_000L;
        this.quietShare = quietShare;
    }

    /** This JVM's compilers and clock, all its cores. */
    public static JitQuiet ofThisJvm(long capMillis, long windowMillis, double quietShare) {
        return new JitQuiet(CompileTime.ofThisJvm(), System::nanoTime, Runtime.getRuntime().availableProcessors(),
                capMillis, windowMillis, quietShare);
    }

    /** Off or not measurable: {@link #check()} would say OFF at once. */
    public boolean off() {
        return capNanos == 0 || compileTime.totalMillis() < 0;
    }

    /** Starts the clock and the first window. Returns this. */
    public JitQuiet start() {
        start = nanoClock.getAsLong();
        windowStart = start;
        compileAtWindowStart = compileTime.totalMillis();
        return this;
    }

    /** How long the caller should wait before the next {@link #check()}: a window, or what is left of the cap. */
    public long nextWindowMillis() {
        long left = capNanos - (nanoClock.getAsLong() - start);
        return (Math.max(0, Math.min(windowNanos, left)) + 999_999L) / 1_000_000L; // rounded up: never short of the cap
    }

    /** Closes the window begun at {@link #start()} or the previous check, and decides; starts the next window. */
    public Check check() {
        long now = nanoClock.getAsLong();
        long compiled = compileTime.totalMillis();
        double elapsed = (now - start) / 1e9;
        double cap = capNanos / 1e9;
        if (capNanos == 0 || compiled < 0 || compileAtWindowStart < 0) {
            return new Check(Decision.OFF, 0, elapsed, cap);
        }
        double wallMillis = Math.max(1e-3, (now - windowStart) / 1e6);
        double share = (compiled - compileAtWindowStart) / (wallMillis * cores);
        windowStart = now;
        compileAtWindowStart = compiled;
        if (share <= quietShare) {
            return new Check(Decision.QUIET, share, elapsed, cap);
        }
        // within a millisecond of the cap counts as at it: the caller's timers have millisecond steps
        return new Check(capNanos - (now - start) < 1_000_000L ? Decision.CAP : Decision.BUSY, share, elapsed, cap);
    }
}
