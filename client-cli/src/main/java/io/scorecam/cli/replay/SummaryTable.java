package io.scorecam.cli.replay;

import io.scorecam.api.support.FaithfulnessMean;

import java.util.Locale;

/** The table printed at the end of a replay. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String format(ReplayStats.Snapshot s, int streams) {
        return format(s, streams, false);
    }

    /** @param metricsAsked the requests had want_metrics: say so when no map came back with metrics */
    public static String format(ReplayStats.Snapshot s, int streams, boolean metricsAsked) {
        StringBuilder sb = new StringBuilder();
        row(sb, "frames", String.format(Locale.ROOT, "%d  (OK %d, SKIPPED %d, ERROR %d)", s.total(), s.ok(), s.skipped(), s.error()));
        row(sb, "streams", Integer.toString(streams));
        row(sb, "wall time", String.format(Locale.ROOT, "%.2f s", s.seconds()));
        row(sb, "achieved fps", String.format(Locale.ROOT, "%.2f answered/s, %.2f OK/s", s.fps(), s.okFps()));
        row(sb, "latency (OK)", String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                s.p50(), s.p95(), s.p99(), s.max()));
        row(sb, "forward passes", String.format(Locale.ROOT, "%.1f per OK frame", s.meanForwardPasses()));
        FaithfulnessMean.Means f = s.faithfulness();
        if (f.maps() > 0) {
            row(sb, "average drop", String.format(Locale.ROOT, "%.2f %%  (lower is better)", f.averageDropPct()));
            row(sb, "increase in conf", String.format(Locale.ROOT, "%.2f %% of maps  (higher is better)", f.increasePct()));
            row(sb, "deletion AUC", String.format(Locale.ROOT, "%.4f  (mean, lower is better)", f.deletionAuc()));
            row(sb, "insertion AUC", String.format(Locale.ROOT, "%.4f  (mean, higher is better)", f.insertionAuc()));
            row(sb, "metrics over", String.format(Locale.ROOT, "%d maps%s", f.maps(),
                    f.withoutMetrics() > 0 ? " (" + f.withoutMetrics() + " more came without metrics)" : ""));
        } else if (metricsAsked && f.withoutMetrics() > 0) {
            row(sb, "faithfulness", "asked for, but the server returned no metrics with any of the "
                    + f.withoutMetrics() + " maps (it does not compute them)");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "  %-16s %s%n", name, value));
    }
}
