package io.scorecam.server.batching;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * One queue of work items from all frames of all streams, drained by worker threads into batches.
 *
 * <p>A worker takes the kind of the oldest queued group and collects items of that kind in FIFO order
 * (across frames and streams) until the kind's batch is full, or until the oldest item has waited
 * {@code maxDelay} (Triton's max_queue_delay), then runs the batch outside the lock. Groups whose
 * cancellation token fired are dropped when they reach the head of a batch, so a cancelled stream frees its
 * queued work without running it.
 *
 * <p>Futures are only ever completed outside the lock: their callbacks are the callers' code (a request that
 * shared a dropped group queues it again, a score table fails its rows under its own lock) and would
 * otherwise run under the queue's lock, in the middle of iterating the queue.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<WorkGroup<?, ?>> queue = new ArrayDeque<>();
    private final long maxDelayNanos;
    private final BatchListener listener;
    private final List<Thread> workers = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong batchIds = new java.util.concurrent.atomic.AtomicLong();
    private int queuedItems;
    private boolean closed;

    public BatchScheduler(int workerCount, long maxDelayMicros, BatchListener listener) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("need at least one batch worker, got " + workerCount);
        }
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, maxDelayMicros));
        this.listener = listener;
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Thread(this::workLoop, "scorecam-batch-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /**
     * Queues the items of one frame; the future completes with one result per item, in item order.
     * An empty item list completes at once.
     */
    public <I, R> CompletableFuture<List<R>> submit(BatchKind<I, R> kind, List<I> items, CancellationToken token) {
        return submit(kind, items, token, waited -> { });
    }

    /** As {@link #submit(BatchKind, List, CancellationToken)}; onFirstTaken learns how long the items waited. */
    public <I, R> CompletableFuture<List<R>> submit(BatchKind<I, R> kind, List<I> items, CancellationToken token,
                                                      LongConsumer onFirstTaken) {
        return submit(kind, items, token, onFirstTaken, () -> { });
    }

    /**
     * As {@link #submit(BatchKind, List, CancellationToken, LongConsumer)}; {@code onAllTaken} runs once a worker
     * has taken the last item (on that worker, before its batch runs; at once for an empty list). It does not
     * run for a group that is dropped or refused: its future fails instead.
     */
    public <I, R> CompletableFuture<List<R>> submit(BatchKind<I, R> kind, List<I> items, CancellationToken token,
                                                      LongConsumer onFirstTaken, Runnable onAllTaken) {
        return submit(kind, items, token, onFirstTaken, onAllTaken, BatchObserver.NONE);
    }

    /** As {@link #submit(BatchKind, List, CancellationToken, LongConsumer, Runnable)}; {@code observer} is told each batch the items ran in. */
    public <I, R> CompletableFuture<List<R>> submit(BatchKind<I, R> kind, List<I> items, CancellationToken token,
                                                      LongConsumer onFirstTaken, Runnable onAllTaken,
                                                      BatchObserver observer) {
        WorkGroup<I, R> group = new WorkGroup<>(kind, List.copyOf(items), token, System.nanoTime(), onFirstTaken,
                onAllTaken, observer);
        if (items.isEmpty()) {
            onAllTaken.run();
            group.future.complete(List.of());
            return group.future;
        }
        boolean refused;
        lock.lock();
        try {
            refused = closed;
            if (!refused) {
                queue.addLast(group);
                queuedItems += items.size();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            group.future.completeExceptionally(new ScoreCamException(ErrorCode.UNAVAILABLE, "the engine is shutting down"));
        }
        return group.future;
    }

    /** Items queued and not yet taken by a worker. */
    public int queuedItems() {
        lock.lock();
        try {
            return queuedItems;
        } finally {
            lock.unlock();
        }
    }

    private void workLoop() {
        while (true) {
            List<WorkGroup<?, ?>> dropped = new ArrayList<>();
            Batch<?, ?> batch;
            try {
                batch = takeBatch(dropped);
            } catch (InterruptedException e) {
                return;
            } finally {
                failDropped(dropped);
            }
            if (batch != null) {
                batch.run(listener, batchIds.incrementAndGet());
            } else if (dropped.isEmpty()) {
                return; // closed and drained
            }
        }
    }

    /**
     * Blocks until a batch is ready; null when closed and drained, or when it removed cancelled groups
     * (into {@code dropped}), which the caller fails once the lock is released.
     */
    private Batch<?, ?> takeBatch(List<WorkGroup<?, ?>> dropped) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                dropCancelled(dropped);
                if (!dropped.isEmpty()) {
                    return null;
                }
                if (queue.isEmpty()) {
                    if (closed) {
                        return null;
                    }
                    changed.await();
                    continue;
                }
                // A leading kind (feature passes) goes first and never waits to fill; then the oldest kind that
                // is ready wins; a kind still filling up does not block the others.
                long now = System.nanoTime();
                long earliestDue = Long.MAX_VALUE;
                BatchKind<?, ?> ready = null;
                List<BatchKind<?, ?>> seen = new ArrayList<>(4);
                for (WorkGroup<?, ?> g : queue) {
                    if (seen.contains(g.kind)) {
                        continue;
                    }
                    seen.add(g.kind);
                    if (g.kind.leads()) {
                        ready = g.kind;
                        break;
                    }
                    long due = g.enqueuedNanos + maxDelayNanos;
                    if (closed || due - now <= 0 || countAvailable(g.kind) >= g.kind.maxBatch()) {
                        ready = ready == null ? g.kind : ready;
                    } else {
                        earliestDue = Math.min(earliestDue, due);
                    }
                }
                if (ready != null) {
                    return collect(ready);
                }
                changed.awaitNanos(earliestDue - now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: takes the cancelled groups out of the queue, without completing them. */
    private void dropCancelled(List<WorkGroup<?, ?>> dropped) {
        for (Iterator<WorkGroup<?, ?>> it = queue.iterator(); it.hasNext(); ) {
            WorkGroup<?, ?> g = it.next();
            if (!g.cancellation.isCancelled()) {
                continue;
            }
            it.remove();
            queuedItems -= g.remaining();
            g.nextItem = g.items.size();
            dropped.add(g);
        }
    }

    /** Outside the lock: fails the dropped groups (their callbacks may queue work again). */
    private static void failDropped(List<WorkGroup<?, ?>> dropped) {
        for (WorkGroup<?, ?> g : dropped) {
            ErrorCode code = g.cancellation.deadlinePassed() ? ErrorCode.DEADLINE_EXCEEDED : ErrorCode.CANCELLED;
            g.future.completeExceptionally(new ScoreCamException(code,
                    code == ErrorCode.CANCELLED ? "the frame was cancelled" : "the frame's deadline passed"));
        }
    }

    private int countAvailable(BatchKind<?, ?> kind) {
        int n = 0;
        for (WorkGroup<?, ?> g : queue) {
            if (g.kind == kind) {
                n += g.remaining();
                if (n >= kind.maxBatch()) {
                    break;
                }
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private <I, R> Batch<I, R> collect(BatchKind<I, R> kind) {
        Batch<I, R> batch = new Batch<>(kind);
        long now = System.nanoTime();
        for (Iterator<WorkGroup<?, ?>> it = queue.iterator(); it.hasNext() && batch.size() < kind.maxBatch(); ) {
            WorkGroup<?, ?> g = it.next();
            if (g.kind != kind) {
                continue;
            }
            WorkGroup<I, R> group = (WorkGroup<I, R>) g;
            int take = Math.min(group.remaining(), kind.maxBatch() - batch.size());
            if (group.nextItem == 0) {
                try {
                    group.onFirstTaken.accept(now - group.enqueuedNanos);
                } catch (RuntimeException e) {
                    LOG.warn("queue-time callback failed", e); // bookkeeping only: the items still run
                }
            }
            batch.add(group, group.nextItem, take);
            group.nextItem += take;
            queuedItems -= take;
            if (group.remaining() == 0) {
                it.remove();
                batch.allTaken.add(group.onAllTaken);
            }
        }
        batch.oldestEnqueuedNanos = batch.slices.get(0).group.enqueuedNanos;
        return batch;
    }

    /** Stops accepting work; workers finish what is queued, then exit. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Items taken from one or more groups, run together. */
    private static final class Batch<I, R> {
        final BatchKind<I, R> kind;
        final List<Slice<I, R>> slices = new ArrayList<>();
        final List<I> items = new ArrayList<>();
        /** Callbacks of the groups whose last item this batch took (run outside the lock). */
        final List<Runnable> allTaken = new ArrayList<>(2);
        long oldestEnqueuedNanos;

        Batch(BatchKind<I, R> kind) {
            this.kind = kind;
        }

        int size() {
            return items.size();
        }

        /** Tells each group's observer (tracing) about this batch; bookkeeping only, never fails the batch. */
        void observe(long id, long start, long end, Throwable failure) {
            for (Slice<I, R> s : slices) {
                if (s.group.observer != BatchObserver.NONE) {
                    try {
                        s.group.observer.ran(new BatchRun(kind.name(), id, items.size(), s.count,
                                s.group.enqueuedNanos, start, end, failure));
                    } catch (RuntimeException e) {
                        LOG.warn("batch observer failed", e);
                    }
                }
            }
        }

        void add(WorkGroup<I, R> group, int from, int count) {
            slices.add(new Slice<>(group, from, count));
            items.addAll(group.items.subList(from, from + count));
        }

        void run(BatchListener listener, long id) {
            for (Runnable r : allTaken) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("all-taken callback failed", e); // bookkeeping only: the items still run
                }
            }
            long start = System.nanoTime();
            List<R> results;
            try {
                results = kind.run(items);
                if (results.size() != items.size()) {
                    throw new IllegalStateException(kind.name() + " returned " + results.size()
                            + " results for " + items.size() + " items");
                }
            } catch (Throwable t) {
                ScoreCamException failure = t instanceof ScoreCamException e ? e
                        : new ScoreCamException(ErrorCode.INTERNAL, kind.name() + " failed: " + t, t);
                observe(id, start, System.nanoTime(), failure);
                for (Slice<I, R> s : slices) {
                    s.group.future.completeExceptionally(failure);
                }
                return;
            }
            long end = System.nanoTime();
            observe(id, start, end, null); // before the groups complete: a frame's trace ends with its answer
            try {
                listener.onBatch(kind.name(), items.size(), start - oldestEnqueuedNanos, end - start);
            } catch (RuntimeException e) {
                LOG.warn("batch listener failed", e); // metrics must not cost the frames their results
            }
            int offset = 0;
            for (Slice<I, R> s : slices) {
                try {
                    s.group.complete(s.from, results.subList(offset, offset + s.count));
                } catch (RuntimeException e) {
                    // e.g. a null result: this group fails, the worker and the other groups go on
                    s.group.future.completeExceptionally(new ScoreCamException(ErrorCode.INTERNAL,
                            kind.name() + " returned an unusable result: " + e, e));
                }
                offset += s.count;
            }
        }
    }

    private record Slice<I, R>(WorkGroup<I, R> group, int from, int count) {
    }
}
