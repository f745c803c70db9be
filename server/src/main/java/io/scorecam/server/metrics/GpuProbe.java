package io.scorecam.server.metrics;

import java.util.List;

/**
 * Reads the GPUs' memory and utilisation. {@link GpuMetrics} polls it off the request path; a fake one makes
 * the gauges testable on a machine without a GPU.
 */
public interface GpuProbe {

    /** One reading of every GPU the probe sees; may be empty. Throws when the reading failed. */
    List<GpuSample> sample() throws Exception;

    /**
     * One GPU at one instant. A field the driver does not report (nvidia-smi's {@code [N/A]}) is NaN.
     *
     * @param index       the device index as the driver numbers it (the {@code gpu} label)
     * @param name        the product name (the {@code name} label)
     * @param usedBytes   device memory in use, by every process on the GPU
     * @param totalBytes  device memory in all
     * @param utilization fraction of the last sample period in which a kernel ran, 0..1
     */
    record GpuSample(int index, String name, double usedBytes, double totalBytes, double utilization) {
    }
}
