package io.scorecam.loadtest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsScraperTest {
    @Test
    void parsesSamplesSumsAndKinds() {
        String text = """
                # HELP scorecam_batch_size items per batch
                # TYPE scorecam_batch_size histogram
                scorecam_batch_size_count{kind="m/features",} 4.0
                scorecam_batch_size_sum{kind="m/features",} 6.0
                scorecam_batch_size_count{kind="m/scoring-SEED",} 10.0
                scorecam_batch_size_sum{kind="m/scoring-SEED",} 160.0
                scorecam_queue_depth 7.0
                scorecam_weird NaN
                """;
        Map<String, Double> s = MetricsScraper.parse(text);
        assertEquals(7.0, MetricsScraper.sum(s, "scorecam_queue_depth"));
        assertEquals(14.0, MetricsScraper.sum(s, "scorecam_batch_size_count"));
        Map<String, Double> sums = MetricsScraper.byKind(s, "scorecam_batch_size_sum");
        assertEquals(160.0, sums.get("m/scoring-SEED"));
        assertEquals(6.0, sums.get("m/features"));
        assertEquals(0.0, MetricsScraper.sum(s, "scorecam_batch"));
    }
}
