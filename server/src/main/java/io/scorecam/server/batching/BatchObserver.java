package io.scorecam.server.batching;

/** Told about each batch a group's items ran in (tracing). Called on a worker thread; must be cheap. */
@FunctionalInterface
public interface BatchObserver {
    BatchObserver NONE = run -> { };

    void ran(BatchRun run);
}
