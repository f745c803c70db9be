package io.scorecam.server.inference.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.scorecam.server.inference.BackendOptions;

/** Turns {@link BackendOptions} into ONNX Runtime session options (threads, optimisation, CUDA provider). */
final class OrtSessionOptions {

    private OrtSessionOptions() {
    }

    /** The caller owns the result and closes it with the session. */
    static SessionOptions create(BackendOptions options) throws OrtException {
        SessionOptions so = new SessionOptions();
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(options.interOpThreads());
            so.setOptimizationLevel(optLevel(options.optimization()));
            so.setExecutionMode(options.executionMode() == BackendOptions.ExecutionMode.PARALLEL
                    ? ExecutionMode.PARALLEL : ExecutionMode.SEQUENTIAL);
            if (options.device().isCuda()) {
                so.addCUDA(options.device().index());
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    private static OptLevel optLevel(BackendOptions.GraphOptimization level) {
        return switch (level) {
            case NONE -> OptLevel.NO_OPT;
            case BASIC -> OptLevel.BASIC_OPT;
            case EXTENDED -> OptLevel.EXTENDED_OPT;
            case ALL -> OptLevel.ALL_OPT;
        };
    }
}
