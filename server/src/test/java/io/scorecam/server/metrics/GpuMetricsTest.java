package io.scorecam.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU gauges with a fake probe stepped by hand: values, units, labels and a probe that misbehaves. */
class GpuMetricsTest {
    private static final double MIB = 1024.0 * 1024.0;

    /** A probe whose next answer the test sets: samples, or an exception to throw. */
    private static final class FakeProbe implements GpuProbe {
        final AtomicReference<Object> next = new AtomicReference<>();

        @Override
        public List<GpuSample> sample() throws Exception {
            Object n = next.get();
            if (n instanceof Exception e) {
                throw e;
            }
            @SuppressWarnings("unchecked")
            List<GpuSample> samples = (List<GpuSample>) n;
            return samples;
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FakeProbe probe = new FakeProbe();

    private GpuMetrics metrics() {
        return GpuMetrics.unscheduled(registry, probe);
    }

    private static GpuProbe.GpuSample gpu(int index, double usedMib, double totalMib, double util) {
        return new GpuProbe.GpuSample(index, "NVIDIA A10G", usedMib * MIB, totalMib * MIB, util);
    }

    @Test
    void everyGpuGetsMemoryAndUtilisationGaugesInBaseUnits() {
        probe.next.set(List.of(gpu(0, 1234, 23028, 0.17), gpu(1, 10, 23028, 0.0)));
        try (GpuMetrics m = metrics()) {
            m.poll();
            String body = registry.scrape();
            assertTrue(body.contains("scorecam_gpu_memory_used_bytes{gpu=\"0\",name=\"NVIDIA A10G\"} 1.293942784E9"), body);
            assertTrue(body.contains("scorecam_gpu_memory_total_bytes{gpu=\"0\",name=\"NVIDIA A10G\"} 2.4146608128E10"), body);
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"0\",name=\"NVIDIA A10G\"} 0.17"), body);
            assertTrue(body.contains("scorecam_gpu_memory_used_bytes{gpu=\"1\",name=\"NVIDIA A10G\"} 1.048576E7"), body);
            assertTrue(body.contains("scorecam_gpu_probe_failures_total 0.0"), body);

            probe.next.set(List.of(gpu(0, 2048, 23028, 0.9), gpu(1, 10, 23028, 0.5)));
            m.poll();
            body = registry.scrape();
            assertTrue(body.contains("scorecam_gpu_memory_used_bytes{gpu=\"0\",name=\"NVIDIA A10G\"} 2.147483648E9"), body);
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"1\",name=\"NVIDIA A10G\"} 0.5"), body);
        }
    }

    @Test
    void aFailingOrSilentProbeLeavesMetricsWorkingWithNaNAndCountsTheFailure() {
        probe.next.set(List.of(gpu(0, 100, 1000, 0.25)));
        try (GpuMetrics m = metrics()) {
            m.poll();
            probe.next.set(new IOException("nvidia-smi did not answer within 5000 ms"));
            m.poll();
            String body = registry.scrape();
            assertTrue(body.contains("scorecam_gpu_memory_used_bytes{gpu=\"0\",name=\"NVIDIA A10G\"} NaN"), body);
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"0\",name=\"NVIDIA A10G\"} NaN"), body);
            assertTrue(body.contains("scorecam_gpu_probe_failures_total 1.0"), body);

            probe.next.set(List.of()); // answers, but no GPU: no stale value either
            m.poll();
            probe.next.set(null);
            m.poll();
            body = registry.scrape();
            assertTrue(body.contains("scorecam_gpu_probe_failures_total 3.0"), body);
            assertTrue(body.contains("scorecam_gpu_memory_total_bytes{gpu=\"0\",name=\"NVIDIA A10G\"} NaN"), body);

            probe.next.set(List.of(gpu(0, 200, 1000, 0.5))); // recovers
            m.poll();
            body = registry.scrape();
            assertTrue(body.contains("scorecam_gpu_memory_used_bytes{gpu=\"0\",name=\"NVIDIA A10G\"} 2.097152E8"), body);
        }
    }

    @Test
    void aProbeThatFailsFromTheStartRegistersNoGpuSeries() {
        probe.next.set(new IllegalStateException("libnvidia-ml.so.1 not found"));
        try (GpuMetrics m = metrics()) {
            m.poll();
            String body = registry.scrape();
            assertFalse(body.contains("scorecam_gpu_memory_used_bytes"), body);
            assertTrue(body.contains("scorecam_gpu_probe_failures_total 1.0"), body);
        }
    }

    @Test
    void aGpuThatVanishesFromTheAnswerIsNaNNotItsLastValue() {
        probe.next.set(List.of(gpu(0, 100, 1000, 0.25), gpu(1, 300, 1000, 0.75)));
        try (GpuMetrics m = metrics()) {
            m.poll();
            probe.next.set(List.of(gpu(0, 100, 1000, 0.25)));
            m.poll();
            String body = registry.scrape();
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"1\",name=\"NVIDIA A10G\"} NaN"), body);
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"0\",name=\"NVIDIA A10G\"} 0.25"), body);
        }
    }

    @Test
    void startedItReadsAtOnceOnItsOwnThread() throws Exception {
        probe.next.set(List.of(gpu(0, 100, 1000, 0.25)));
        try (GpuMetrics m = GpuMetrics.start(registry, probe, java.time.Duration.ofHours(1))) {
            String body = registry.scrape();
            for (int i = 0; i < 100 && !body.contains("scorecam_gpu_utilization_ratio"); i++) {
                Thread.sleep(20);
                body = registry.scrape();
            }
            assertTrue(body.contains("scorecam_gpu_utilization_ratio{gpu=\"0\",name=\"NVIDIA A10G\"} 0.25"), body);
        }
    }

    @Test
    void noProbeMeansNoGpuSeries() {
        try (ProcessMetrics p = ProcessMetrics.bind(registry)) {
            String body = registry.scrape();
            assertTrue(body.contains("jvm_threads_live_threads"), body);
            assertFalse(body.contains("scorecam_gpu"), body);
        }
    }
}
