package io.scorecam.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@code scorecam_gpu_memory_used_bytes}, {@code scorecam_gpu_memory_total_bytes} and
 * {@code scorecam_gpu_utilization_ratio} per GPU ({@code gpu}, {@code name} labels), bound only when the server
 * runs on CUDA. A daemon thread polls the {@link GpuProbe}; the gauges read its last answer, so a scrape never
 * waits for the driver. A reading that fails turns the values NaN and counts in
 * {@code scorecam_gpu_probe_failures_total}: /metrics keeps working whatever the probe does.
 */
public final class GpuMetrics implements AutoCloseable {
    public static final Duration POLL_PERIOD = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(GpuMetrics.class);
    private static final GpuProbe.GpuSample GONE = new GpuProbe.GpuSample(-1, "", Double.NaN, Double.NaN, Double.NaN);

    private final MeterRegistry registry;
    private final GpuProbe probe;
    private final Counter failures;
    private final Map<Integer, GpuProbe.GpuSample> last = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;
    private volatile boolean failing;

    private GpuMetrics(MeterRegistry registry, GpuProbe probe) {
        this.registry = registry;
        this.probe = probe;
        this.failures = Counter.builder("scorecam.gpu.probe.failures")
                .description("GPU readings that failed (the GPU gauges are NaN until the next good one)")
                .register(registry);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scorecam-gpu-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads the probe now and then every {@code period}, until {@link #close()}. */
    public static GpuMetrics start(MeterRegistry registry, GpuProbe probe, Duration period) {
        GpuMetrics m = new GpuMetrics(registry, probe);
        m.poller.scheduleWithFixedDelay(m::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    /** Registers the failure counter but reads only when {@link #poll()} is called: tests step it by hand. */
    static GpuMetrics unscheduled(MeterRegistry registry, GpuProbe probe) {
        return new GpuMetrics(registry, probe);
    }

    /** One reading (package-private: tests step it by hand). */
    synchronized void poll() {
        List<GpuProbe.GpuSample> samples;
        try {
            samples = probe.sample();
            if (samples == null || samples.isEmpty()) {
                throw new IllegalStateException("no GPU reported");
            }
        } catch (Exception | LinkageError e) {
            failures.increment();
            last.replaceAll((gpu, s) -> GONE);
            if (!failing) { // once per run of failures, not every poll
                LOG.warn("GPU metrics: reading {} failed: {}", probe, e.toString());
                failing = true;
            }
            return;
        }
        if (failing) {
            LOG.info("GPU metrics: {} answers again", probe);
            failing = false;
        }
        last.replaceAll((gpu, s) -> GONE); // a GPU missing from this answer is not reported as its old value
        for (GpuProbe.GpuSample s : samples) {
            if (last.put(s.index(), s) == null) {
                register(s);
            }
        }
    }

    private void register(GpuProbe.GpuSample s) {
        gauge("scorecam.gpu.memory.used", "bytes", "device memory in use (all processes on the GPU)", s,
                GpuProbe.GpuSample::usedBytes);
        gauge("scorecam.gpu.memory.total", "bytes", "device memory in all", s, GpuProbe.GpuSample::totalBytes);
        gauge("scorecam.gpu.utilization", "ratio", "fraction of time a kernel ran on the GPU (driver's sample period)",
                s, GpuProbe.GpuSample::utilization);
    }

    private void gauge(String name, String unit, String help, GpuProbe.GpuSample first,
                       ToDoubleFunction<GpuProbe.GpuSample> field) {
        int gpu = first.index();
        Gauge.builder(name, last, m -> field.applyAsDouble(m.getOrDefault(gpu, GONE)))
                .baseUnit(unit)
                .description(help)
                .tag("gpu", Integer.toString(gpu))
                .tag("name", first.name())
                .register(registry);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
