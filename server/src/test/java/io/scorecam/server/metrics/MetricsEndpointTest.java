package io.scorecam.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.server.lifecycle.Readiness;
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
        FrameLabels m = new FrameLabels("m", "EIGEN_CAM", "SEED");
        metrics.frameSucceeded(m, 1, 2.0, 3.0, 5_000_000);
        metrics.frameSucceeded(m, 2, 4.0, 3.0, 7_000_000);
        metrics.frameFailed(m, "INVALID_ARGUMENT", 1_000_000);
        metrics.frameSkipped(m);
        metrics.streamOpened();
        metrics.streamOpened();
        metrics.streamClosed();
        Vertx vertx = Vertx.vertx();
        try {
            MetricsServer server = MetricsServer.start(vertx, registry, new Readiness(), "127.0.0.1", 0)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("scorecam_frames_succeeded_total{convention=\"SEED\",method=\"EIGEN_CAM\",model=\"m\"} 2.0"), body);
            assertTrue(body.contains("scorecam_frames_failed_total{code=\"INVALID_ARGUMENT\",method=\"EIGEN_CAM\",model=\"m\"} 1.0"), body);
            assertTrue(body.contains("scorecam_frames_skipped_total{method=\"EIGEN_CAM\",model=\"m\"} 1.0"), body);
            assertTrue(body.contains("scorecam_frame_forward_passes_total{method=\"EIGEN_CAM\",model=\"m\"} 3.0"), body);
            assertTrue(body.contains("scorecam_streams_open 1.0"), body);
            assertTrue(body.contains("scorecam_queue_depth 17.0"), body);
            // SKIPPED frames are not timed: 3 durations recorded, 2 queue / compute times (OK frames)
            assertTrue(body.contains("scorecam_frame_duration_seconds_count{method=\"EIGEN_CAM\",model=\"m\"} 3"), body);
            assertTrue(body.contains("scorecam_frame_queue_duration_seconds_count{method=\"EIGEN_CAM\",model=\"m\"} 2"), body);
            assertTrue(body.contains("scorecam_frame_queue_duration_seconds_sum{method=\"EIGEN_CAM\",model=\"m\"} 0.006"), body);
            assertTrue(body.contains("scorecam_frame_compute_duration_seconds_bucket{method=\"EIGEN_CAM\",model=\"m\",le=\"0.005\"} 2"), body);

            HttpResponse<String> other = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, other.statusCode());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void healthzAndReadyzFollowTheServersReadiness() throws Exception {
        Readiness readiness = new Readiness();
        Vertx vertx = Vertx.vertx();
        try {
            MetricsServer server = MetricsServer.start(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    readiness, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            readiness.starting("loading model m (1/1)");
            assertProbe(server, "/healthz", 200, "starting: loading model m (1/1)");
            assertProbe(server, "/readyz", 503, "starting: loading model m (1/1)");
            readiness.serving("1 model(s) loaded");
            assertProbe(server, "/healthz", 200, "serving: 1 model(s) loaded");
            assertProbe(server, "/readyz", 200, "serving: 1 model(s) loaded");
            readiness.draining("SIGTERM");
            assertProbe(server, "/healthz", 200, "draining: SIGTERM");
            assertProbe(server, "/readyz", 503, "draining: SIGTERM");
            readiness.failed("model m: bad graph");
            assertProbe(server, "/healthz", 503, "failed: model m: bad graph");
            assertProbe(server, "/readyz", 503, "failed: model m: bad graph");
            HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void assertProbe(MetricsServer server, String path, int status, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), path + ": " + r.body());
        assertEquals(body + "\n", r.body(), path);
    }
}
