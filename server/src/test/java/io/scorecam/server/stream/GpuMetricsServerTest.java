package io.scorecam.server.stream;

import io.scorecam.server.metrics.NvidiaSmiProbeTestAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's own wiring of the GPU gauges: on {@code --device cuda} /metrics carries what the configured
 * nvidia-smi (here a stand-in script) reports, on the CPU nothing of the GPU even when a tool would answer,
 * and a tool that fails leaves /metrics answering.
 */
class GpuMetricsServerTest {
    @TempDir
    Path dir;

    private static String scrape(TestServer t) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + t.server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** Scrapes until the poller's first reading (it runs at start, on its own thread) shows. */
    private static String scrapeUntil(TestServer t, String wanted) throws Exception {
        String body = scrape(t);
        for (int i = 0; i < 100 && !body.contains(wanted); i++) {
            Thread.sleep(50);
            body = scrape(t);
        }
        return body;
    }

    @Test
    void onCudaTheGpuGaugesAreServed() throws Exception {
        Path smi = NvidiaSmiProbeTestAccess.fakeSmi(dir, "echo '0, 2048, 16384, 42, Tesla T4'");
        try (TestServer t = new TestServer("--device=cuda:0", "--gpu-metrics=" + smi)) {
            String body = scrapeUntil(t, "scorecam_gpu_utilization_ratio");
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"0\",name=\"Tesla T4\"} 0.42"), body);
            assertTrue(body.contains("scorecam_gpu_memory_used_bytes{gpu=\"0\",name=\"Tesla T4\"} 2.147483648E9"), body);
            assertTrue(body.contains("scorecam_gpu_memory_total_bytes{gpu=\"0\",name=\"Tesla T4\"} 1.7179869184E10"), body);
        }
    }

    @Test
    void onTheCpuThereIsNoGpuSeriesAtAll() throws Exception {
        Path smi = NvidiaSmiProbeTestAccess.fakeSmi(dir, "echo '0, 2048, 16384, 42, Tesla T4'");
        try (TestServer t = new TestServer("--gpu-metrics=" + smi)) {
            Thread.sleep(300); // time for a poller, had one been started
            String body = scrape(t);
            assertTrue(body.contains("scorecam_build_info"), body);
            assertFalse(body.contains("scorecam_gpu"), body);
        }
        try (TestServer t = new TestServer("--device=cuda", "--gpu-metrics=off")) {
            assertFalse(scrape(t).contains("scorecam_gpu"));
        }
    }

    @Test
    void aBrokenToolOnCudaLeavesMetricsAnswering() throws Exception {
        Path smi = NvidiaSmiProbeTestAccess.fakeSmi(dir, "echo 'Failed to initialize NVML: Driver/library version mismatch'; exit 18");
        try (TestServer t = new TestServer("--device=cuda:0", "--gpu-metrics=" + smi)) {
            String body = scrapeUntil(t, "scorecam_gpu_probe_failures_total 1.0");
            assertTrue(body.contains("scorecam_gpu_probe_failures_total 1.0"), body);
            assertFalse(body.contains("scorecam_gpu_memory_used_bytes"), body);
            assertTrue(body.contains("scorecam_streams_open"), body);
        }
    }
}
