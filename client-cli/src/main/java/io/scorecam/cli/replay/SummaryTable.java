package io.scorecam.cli.replay;

import io.scorecam.api.support.FaithfulnessMean;

import java.util.Locale;

/** The table printed at the end of a replay. */
public final class SummaryTable {
    /** Printed when most of a frame's round trip was spent outside the server. */
    static final String WHY_LATENCY_DIFFERS = String.format(Locale.ROOT,
            "  note: the server's clock starts when it takes a frame off the stream. Frames sent faster than it%n"
            + "        answers wait before that, in gRPC's and HTTP/2's buffers and the server's read queue (about%n"
            + "        --stream-window + 16 frames per stream), so the client's latency grows with that queue while%n"
            + "        the server's time does not. --fps below the OK rate measures latency without the queue.%n");
    private SummaryTable() {
    }

    public static String format(ReplayStats.Snapshot s, int streams) {
        return format(s, streams, false);
    }

    /** @param metricsAsked the requests had want_metrics: say so when no map came back with metrics */
    public static String format(ReplayStats.Snapshot s, int streams, boolean metricsAsked) {
        StringBuilder sb = new StringBuilder();
        row(sb, "frames", String.format(Locale.ROOT, "%d  (OK %d, SKIPPED %d, ERROR %d)", s.total(), s.ok(), s.skipped(), s.error()));
        for (String e : s.firstErrors()) {
            row(sb, "  error", e);
        }
        if (s.error() > s.firstErrors().size()) {
            row(sb, "", "... " + (s.error() - s.firstErrors().size()) + " more ERROR answers in results.jsonl");
        }
        row(sb, "streams", Integer.toString(streams));
        row(sb, "wall time", String.format(Locale.ROOT, "%.2f s", s.seconds()));
        row(sb, "achieved fps", String.format(Locale.ROOT, "%.2f answered/s, %.2f OK/s", s.fps(), s.okFps()));
        if (s.ok() == 0) {
            // percentiles of nothing would print as 0.0 ms, which reads as "instant"
            row(sb, "latency (OK)", "n/a: no frame was answered OK");
        } else {
            latencyRows(sb, s);
        }
        row(sb, "forward passes", String.format(Locale.ROOT, "%.1f per OK frame", s.meanForwardPasses()));
        if (s.ok() > 0 && s.outsideServer().p50() > s.serverTotal().p50()) {
            sb.append(WHY_LATENCY_DIFFERS);
        }
        faithfulnessRows(sb, s, metricsAsked);
        return sb.toString();
    }

    private static void latencyRows(StringBuilder sb, ReplayStats.Snapshot s) {
        row(sb, "latency (OK)", percentiles(s.client()) + "  (client: send to answer)");
        row(sb, "server time (OK)", percentiles(s.serverTotal()) + "  (the server's total_ms: arrival to answer)");
        row(sb, "  queue/compute", String.format(Locale.ROOT, "p50 %.1f ms / %.1f ms, p95 %.1f ms / %.1f ms",
                s.serverQueue().p50(), s.serverCompute().p50(), s.serverQueue().p95(), s.serverCompute().p95()));
        row(sb, "outside server", String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms  (client minus server, per frame)",
                s.outsideServer().p50(), s.outsideServer().p95()));
    }

    private static void faithfulnessRows(StringBuilder sb, ReplayStats.Snapshot s, boolean metricsAsked) {
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
    }

    private static String percentiles(ReplayStats.Percentiles p) {
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", p.p50(), p.p95(), p.p99(), p.max());
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "  %-16s %s%n", name, value));
    }
}
