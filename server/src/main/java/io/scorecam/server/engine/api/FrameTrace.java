package io.scorecam.server.engine.api;

import io.scorecam.server.batching.BatchRun;

/**
 * Where the engine reports one frame's steps, for a trace: the port the stream layer implements with
 * OpenTelemetry, so the engine knows no tracing library. Called on any thread, must be cheap; times are
 * {@link System#nanoTime()}. {@link #NONE} (tracing off or the frame not sampled) costs a virtual call.
 */
public interface FrameTrace {
    FrameTrace NONE = new FrameTrace() {
        @Override
        public boolean recording() {
            return false;
        }
    };

    /** False: nothing is recorded, callers may skip work done only for the trace. */
    default boolean recording() {
        return true;
    }

    /** A step of this frame (preprocess, combine, faithfulness, ...) ran from start to end. */
    default void stage(String name, long startNanos, long endNanos) {
    }

    /**
     * A batch that carried some of this frame's items ran or failed: {@code name} says which step it was for
     * (feature_pass, scoring, ...).
     */
    default void batch(String name, BatchRun run) {
    }
}
