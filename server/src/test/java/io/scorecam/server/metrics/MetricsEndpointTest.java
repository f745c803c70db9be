package io.scorecam.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsEndpointTest {

    @Test
    void servesTheCountersGaugesAndHistogramInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServerMetrics metrics = new ServerMetrics(registry);
        metrics.bindQueueDepth(() -> 17);
        metrics.frameAnswered("OK", 5_000_000);
        metrics.frameAnswered("OK", 7_000_000);
        metrics.frameAnswered("ERROR", 1_000_000);
        metrics.frameAnswered("SKIPPED", 0);
        metrics.streamOpened();
        metrics.streamOpened();
        metrics.streamClosed();
        Vertx vertx = Vertx.vertx();
        try {
            MetricsServer server = MetricsServer.start(vertx, registry, "127.0.0.1", 0)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("scorecam_frames_total{status=\"OK\"} 2.0"), body);
            assertTrue(body.contains("scorecam_frames_total{status=\"ERROR\"} 1.0"), body);
            assertTrue(body.contains("scorecam_frames_total{status=\"SKIPPED\"} 1.0"), body);
            assertTrue(body.contains("scorecam_streams_open 1.0"), body);
            assertTrue(body.contains("scorecam_queue_depth 17.0"), body);
            // SKIPPED frames are not timed: 3 latencies recorded
            assertTrue(body.contains("scorecam_frame_latency_seconds_count 3"), body);
            assertTrue(body.contains("scorecam_frame_latency_seconds_bucket{le="), body);

            HttpResponse<String> other = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, other.statusCode());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
