package io.scorecam.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.scorecam.api.support.FaithfulnessMean;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The outcome of a {@code load} run: a human summary, one machine-readable SUMMARY line, and JSON. */
public record LoadReport(Map<String, Object> setup, LoadRun.Result result, ServerSampler.ServerView server) {

    public String summary() {
        StreamStats s = result.stats();
        LatencyRecorder.LatencyStats c = result.latency().corrected();
        LatencyRecorder.LatencyStats u = result.latency().uncorrected();
        boolean open = Boolean.TRUE.equals(setup.get("open_loop"));
        StringBuilder b = new StringBuilder();
        b.append("load: ").append(setup).append('\n');
        b.append(String.format(Locale.ROOT, "frames: sent=%d ok=%d skipped=%d errors=%d unsent=%d unanswered=%d "
                        + "stream_failures=%d in %.1f s -> %.2f OK frames/s, %.1f forward passes per frame, %d cache hits%n",
                s.sent(), s.ok(), s.skipped(), s.errors(), s.unsent(), s.unanswered(), s.streamFailures(),
                result.seconds(), okPerSecond(), s.meanPasses(), s.cacheHits()));
        if (s.reconnects() > 0 || !s.lostIds().isEmpty() || s.duplicates() > 0) {
            List<Long> lost = s.lostIds();
            b.append(String.format(Locale.ROOT, "failover: reconnects=%d (first: %s) resent=%d duplicates=%d lost=%d%s%n",
                    s.reconnects(), s.firstCut(), s.resent(), s.duplicates(), lost.size(),
                    lost.isEmpty() ? "" : " lost_ids=" + lost.subList(0, Math.min(lost.size(), 100))));
        }
        b.append(String.format(Locale.ROOT, "latency ms %s: p50=%.1f p95=%.1f p99=%.1f max=%.1f mean=%.1f (n=%d)%n",
                open ? "(corrected, from the intended send time)" : "(from the send)", c.p50(), c.p95(), c.p99(),
                c.max(), c.mean(), c.count()));
        if (open) {
            b.append(String.format(Locale.ROOT, "latency ms (uncorrected, from the actual send): p50=%.1f p95=%.1f "
                    + "p99=%.1f max=%.1f%n", u.p50(), u.p95(), u.p99(), u.max()));
        }
        if (server != null) {
            b.append(String.format(Locale.ROOT, "server: mean batch size by kind %s, batch queue depth mean=%.1f "
                            + "max=%.0f (%d samples)%s%n", format(server.meanBatchSize()), server.meanQueueDepth(),
                    server.maxQueueDepth(), server.samples(),
                    server.scrapeError() == null ? "" : ", scrape error: " + server.scrapeError()));
        }
        FaithfulnessMean f = s.faithfulness();
        if (f.maps() > 0) {
            b.append(String.format(Locale.ROOT, "faithfulness over %d maps: Average Drop %.2f %%, Increase in "
                            + "Confidence %.2f %%, deletion AUC %.4f, insertion AUC %.4f%s%n", f.maps(),
                    f.averageDropPct(), f.increasePct(), f.deletionAuc(), f.insertionAuc(),
                    f.withoutMetrics() > 0 ? " (" + f.withoutMetrics() + " maps came without metrics)" : ""));
            b.append(String.format(Locale.ROOT, "FAITHFULNESS maps=%d avg_drop=%.3f increase=%.3f del_auc=%.5f "
                            + "ins_auc=%.5f maps_without_metrics=%d%n", f.maps(), f.averageDropPct(), f.increasePct(),
                    f.deletionAuc(), f.insertionAuc(), f.withoutMetrics()));
        } else if (Boolean.TRUE.equals(setup.get("want_metrics"))) {
            b.append("faithfulness: asked for, but none of the " + f.withoutMetrics()
                    + " maps came with metrics (the server does not compute them)\n");
        }
        if (s.firstError() != null) {
            b.append("first error: ").append(s.firstError()).append('\n');
        }
        b.append(String.format(Locale.ROOT, "SUMMARY mode=%s streams=%s sent=%d ok=%d skipped=%d errors=%d "
                        + "ok_frames_per_s=%.2f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                open ? "open" : "closed", setup.get("streams"), s.sent(), s.ok(), s.skipped(), s.errors(),
                okPerSecond(), c.p50(), c.p95(), c.p99(), c.max()));
        return b.toString();
    }

    public double okPerSecond() {
        return result.seconds() > 0 ? result.stats().ok() / result.seconds() : 0;
    }

    public void writeJson(Path file) throws IOException {
        StreamStats s = result.stats();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("setup", setup);
        Map<String, Object> frames = new LinkedHashMap<>();
        frames.put("sent", s.sent());
        frames.put("ok", s.ok());
        frames.put("skipped", s.skipped());
        frames.put("errors", s.errors());
        frames.put("unsent", s.unsent());
        frames.put("unanswered", s.unanswered());
        frames.put("stream_failures", s.streamFailures());
        frames.put("cache_hits", s.cacheHits());
        frames.put("mean_forward_passes", s.meanPasses());
        frames.put("reconnects", s.reconnects());
        frames.put("resent", s.resent());
        frames.put("duplicates", s.duplicates());
        frames.put("lost_ids", s.lostIds());
        frames.put("first_cut", s.firstCut());
        frames.put("first_error", s.firstError());
        doc.put("frames", frames);
        doc.put("seconds", result.seconds());
        doc.put("ok_frames_per_s", okPerSecond());
        doc.put("latency_ms", result.latency().corrected());
        doc.put("latency_ms_uncorrected", result.latency().uncorrected());
        doc.put("faithfulness", s.faithfulness().toMap());
        doc.put("server", server);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }

    private static String format(Map<String, Double> byKind) {
        StringBuilder b = new StringBuilder("{");
        byKind.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=')
                .append(String.format(Locale.ROOT, "%.1f", v)));
        return b.append('}').toString();
    }
}
