package io.scorecam.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.scorecam.server.config.BuildInfo;

/**
 * Micrometer's JVM, GC, thread, class-loader, CPU, uptime and file-descriptor binders, and
 * {@code scorecam_build_info{version}}, and the GPU gauges when the server runs on CUDA. Close it with the
 * server: the GC binder listens to JMX notifications, the GPU gauges poll on a thread of their own.
 */
public final class ProcessMetrics implements AutoCloseable {
    public static final String BUILD_INFO = "scorecam.build.info";

    private final JvmGcMetrics gc;
    private final GpuMetrics gpu;

    private ProcessMetrics(JvmGcMetrics gc, GpuMetrics gpu) {
        this.gc = gc;
        this.gpu = gpu;
    }

    /** The process and JVM binders only: a CPU server. */
    public static ProcessMetrics bind(MeterRegistry registry) {
        return bind(registry, null);
    }

    /** Also polls {@code gpuProbe} for the GPU gauges, unless it is null (no GPU: no GPU series at all). */
    public static ProcessMetrics bind(MeterRegistry registry, GpuProbe gpuProbe) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        Gauge.builder(BUILD_INFO, () -> 1)
                .description("Always 1; the server's version is in the version label")
                .tag("version", BuildInfo.version())
                .register(registry);
        GpuMetrics gpu = gpuProbe == null ? null : GpuMetrics.start(registry, gpuProbe, GpuMetrics.POLL_PERIOD);
        return new ProcessMetrics(gc, gpu);
    }

    @Override
    public void close() {
        gc.close();
        if (gpu != null) {
            gpu.close();
        }
    }
}
