package io.scorecam.server.inference;

import io.scorecam.server.errors.ScoreCamException;

/**
 * How a backend builds its sessions. Defaults follow the measurements in the design notes: one inter-op
 * thread, sequential execution, all graph optimisations, and as many intra-op threads as there are cores.
 */
public record BackendOptions(DeviceSpec device, int intraOpThreads, int interOpThreads,
                             GraphOptimization optimization, ExecutionMode executionMode) {

    public enum GraphOptimization { NONE, BASIC, EXTENDED, ALL }

    public enum ExecutionMode { SEQUENTIAL, PARALLEL }

    public BackendOptions {
        if (device == null || optimization == null || executionMode == null) {
            throw ScoreCamException.invalid("backend options need a device, an optimisation level and an execution mode");
        }
        if (intraOpThreads < 1) {
            throw ScoreCamException.invalid("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        if (interOpThreads < 1) {
            throw ScoreCamException.invalid("inter-op threads must be at least 1, got " + interOpThreads);
        }
    }

    public static BackendOptions defaults() {
        return defaults(DeviceSpec.CPU);
    }

    public static BackendOptions defaults(DeviceSpec device) {
        return new BackendOptions(device, Runtime.getRuntime().availableProcessors(), 1,
                GraphOptimization.ALL, ExecutionMode.SEQUENTIAL);
    }

    /**
     * Defaults for {@code workers} threads calling sessions at once: the cores are split between them, so
     * workers x intra-op threads never oversubscribes the CPU (2 workers x 1 thread matches 1 x 2 on CPU,
     * and lets one worker assemble a batch while the other runs).
     */
    public static BackendOptions forWorkers(DeviceSpec device, int workers) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = workers > 0 ? workers : cores; // 0 means one worker per core
        return defaults(device).withIntraOpThreads(Math.max(1, cores / threads));
    }

    public BackendOptions withDevice(DeviceSpec newDevice) {
        return new BackendOptions(newDevice, intraOpThreads, interOpThreads, optimization, executionMode);
    }

    public BackendOptions withIntraOpThreads(int threads) {
        return new BackendOptions(device, threads, interOpThreads, optimization, executionMode);
    }
}
