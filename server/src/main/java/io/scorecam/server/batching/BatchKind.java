package io.scorecam.server.batching;

import java.util.List;

/**
 * A kind of work whose items run together in one session call (e.g. "feature pass of model X",
 * "masked scoring of model X under convention Y"). Items of different kinds never share a batch.
 *
 * @param <I> the item type
 * @param <R> the result type, one per item
 */
public interface BatchKind<I, R> {

    /** A short name for metrics and logs. */
    String name();

    /** The largest batch this kind runs at once. */
    int maxBatch();

    /**
     * A kind other work waits for (a frame's feature pass: its masked passes cannot be queued before it ends):
     * a free worker takes it before any other kind and without waiting for its batch to fill, so the next
     * frame's masked items are queued by the time this frame's end.
     */
    default boolean leads() {
        return false;
    }

    /**
     * Runs one batch (on a scheduler worker thread) and returns one result per item, in order.
     * Throwing fails every group that had items in the batch.
     */
    List<R> run(List<I> items);
}
