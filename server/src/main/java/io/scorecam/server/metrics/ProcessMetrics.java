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
 * {@code scorecam_build_info{version}}. Close it with the server: the GC binder listens to JMX notifications.
 */
public final class ProcessMetrics implements AutoCloseable {
    public static final String BUILD_INFO = "scorecam.build.info";

    private final JvmGcMetrics gc;

    private ProcessMetrics(JvmGcMetrics gc) {
        this.gc = gc;
    }

    public static ProcessMetrics bind(MeterRegistry registry) {
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
        return new ProcessMetrics(gc);
    }

    @Override
    public void close() {
        gc.close();
    }
}
