package io.scorecam.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.scorecam.api.support.FaithfulnessMean;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** summary.json next to results.jsonl: the summary table's numbers, for scripts and dashboards. */
public final class SummaryJson {
    public static final String FILE = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {
    }

    /** Writes DIR/summary.json (replacing an older one) and returns its path. */
    public static Path write(Path dir, ReplayStats.Snapshot s, int streams) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("frames", Map.of("total", s.total(), "ok", s.ok(), "skipped", s.skipped(), "error", s.error()));
        doc.put("streams", streams);
        doc.put("wall_time_s", s.seconds());
        doc.put("answered_per_s", s.fps());
        doc.put("ok_per_s", s.okFps());
        doc.put("client_latency_ms", percentiles(s.client()));
        doc.put("server_total_ms", percentiles(s.serverTotal()));
        doc.put("server_queue_ms", percentiles(s.serverQueue()));
        doc.put("server_compute_ms", percentiles(s.serverCompute()));
        doc.put("outside_server_ms", percentiles(s.outsideServer()));
        doc.put("forward_passes_per_ok_frame", s.meanForwardPasses());
        FaithfulnessMean.Means f = s.faithfulness();
        Map<String, Object> faith = new LinkedHashMap<>();
        faith.put("maps", f.maps());
        faith.put("maps_without_metrics", f.withoutMetrics());
        if (f.maps() > 0) {
            faith.put("average_drop_pct", f.averageDropPct());
            faith.put("increase_in_confidence_pct", f.increasePct());
            faith.put("deletion_auc", f.deletionAuc());
            faith.put("insertion_auc", f.insertionAuc());
        }
        doc.put("faithfulness", faith);
        Path file = dir.resolve(FILE);
        Files.createDirectories(dir);
        JSON.writeValue(file.toFile(), doc);
        return file;
    }

    /** Of OK frames only; all 0 when none was OK ("ok": 0 says so). */
    private static Map<String, Object> percentiles(ReplayStats.Percentiles p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", p.p50());
        m.put("p95", p.p95());
        m.put("p99", p.p99());
        m.put("max", p.max());
        return m;
    }
}
