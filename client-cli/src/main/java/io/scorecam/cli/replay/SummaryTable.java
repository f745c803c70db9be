package io.scorecam.cli.replay;

import java.util.Locale;

/** The table printed at the end of a replay. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String format(ReplayStats.Snapshot s, int streams) {
        StringBuilder sb = new StringBuilder();
        row(sb, "frames", String.format(Locale.ROOT, "%d  (OK %d, SKIPPED %d, ERROR %d)", s.total(), s.ok(), s.skipped(), s.error()));
        row(sb, "streams", Integer.toString(streams));
        row(sb, "wall time", String.format(Locale.ROOT, "%.2f s", s.seconds()));
        row(sb, "achieved fps", String.format(Locale.ROOT, "%.2f answered/s, %.2f OK/s", s.fps(), s.okFps()));
        row(sb, "latency (OK)", String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                s.p50(), s.p95(), s.p99(), s.max()));
        row(sb, "forward passes", String.format(Locale.ROOT, "%.1f per OK frame", s.meanForwardPasses()));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "  %-16s %s%n", name, value));
    }
}
