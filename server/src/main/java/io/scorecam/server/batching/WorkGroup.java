package io.scorecam.server.batching;


import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The items one frame adds to the queue for one kind. Completes with the items' results, in item
 * order, once every item has run; items are taken FIFO, possibly across several batches.
 */
final class WorkGroup<I, R> {
    final BatchKind<I, R> kind;
    final List<I> items;
    final CancellationToken cancellation;
    final long enqueuedNanos;
    final Object[] results;
    final CompletableFuture<List<R>> future = new CompletableFuture<>();
    /** Next item to hand to a batch (guarded by the scheduler's lock). */
    int nextItem;
    /** Items whose results have arrived (guarded by this). */
    private int done;
    /** Told how long the group waited when a batch first takes one of its items. */
    final LongConsumer onFirstTaken;
    /** Run (outside the scheduler's lock) once a batch has taken the group's last item. */
    final Runnable onAllTaken;

    /** Told about each batch the group's items ran in (tracing). */
    final BatchObserver observer;

    WorkGroup(BatchKind<I, R> kind, List<I> items, CancellationToken cancellation, long enqueuedNanos,
              LongConsumer onFirstTaken, Runnable onAllTaken, BatchObserver observer) {
        this.kind = kind;
        this.observer = observer;
        this.onFirstTaken = onFirstTaken;
        this.onAllTaken = onAllTaken;
        this.items = items;
        this.cancellation = cancellation;
        this.enqueuedNanos = enqueuedNanos;
        this.results = new Object[items.size()];
    }

    int remaining() {
        return items.size() - nextItem;
    }

    @SuppressWarnings("unchecked")
    private List<R> resultList() {
        return (List<R>) List.of(results); // every slot holds an R: complete() stored one per item
    }

    /** Stores results for items [from, from + values.size()) and completes the group when all are in. */
    void complete(int from, List<R> values) {
        boolean finished;
        synchronized (this) {
            for (int i = 0; i < values.size(); i++) {
                results[from + i] = values.get(i);
            }
            done += values.size();
            finished = done == items.size();
        }
        if (finished) {
            future.complete(resultList());
        }
    }
}
