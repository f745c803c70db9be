package io.scorecam.server.batching;

/** Observes batches as they run (metrics). Called on worker threads; must be cheap. */
public interface BatchListener {
    /**
     * @param kind      the batch's kind name
     * @param size      items in the batch
     * @param waitNanos how long the oldest item of the batch waited in the queue
     * @param runNanos  how long the batch ran
     */
    void onBatch(String kind, int size, long waitNanos, long runNanos);

    BatchListener NONE = (kind, size, waitNanos, runNanos) -> { };
}
