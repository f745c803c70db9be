package io.scorecam.server.stream;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Admission control on the memory frames take while they are worked on (decoded pixels, maps, the built
 * response): one byte budget shared by every call. A frame reserves its estimate before it is decoded and
 * gives it back once its response is built. When the budget is used up, frames wait (first come, first
 * served, holding no thread) for at most {@code waitMs}, then fail RESOURCE_EXHAUSTED with a message: the
 * server slows down instead of running out of memory.
 */
final class FrameBudget {
    private final long capacity;
    private final long waitMs;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long used;

    /** A reservation; {@link #close} gives it back (once). */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private record Waiter(long bytes, CompletableFuture<Lease> admitted) {
    }

    FrameBudget(long capacity, long waitMs) {
        if (capacity <= 0 || waitMs < 0) {
            throw new IllegalArgumentException("capacity must be > 0 and wait >= 0");
        }
        this.capacity = capacity;
        this.waitMs = waitMs;
    }

    long capacity() {
        return capacity;
    }

    synchronized long used() {
        return used;
    }

    /** Completes with a lease once {@code bytes} fit; fails RESOURCE_EXHAUSTED if they never can or after the wait. */
    CompletableFuture<Lease> acquire(long bytes, String what) {
        if (bytes > capacity) {
            return CompletableFuture.failedFuture(new ScoreCamException(ErrorCode.RESOURCE_EXHAUSTED, what + " needs ~"
                    + bytes + " bytes of working memory, more than the server's frame budget of " + capacity
                    + " bytes (--frame-memory): send a smaller frame or ask for fewer/smaller maps"));
        }
        CompletableFuture<Lease> admitted = new CompletableFuture<>();
        Waiter w = new Waiter(bytes, admitted);
        synchronized (this) {
            if (waiters.isEmpty() && used + bytes <= capacity) {
                used += bytes;
                return CompletableFuture.completedFuture(lease(bytes));
            }
            waiters.addLast(w);
        }
        CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS).execute(() -> {
            if (withdraw(w)) {
                admitted.completeExceptionally(new ScoreCamException(ErrorCode.RESOURCE_EXHAUSTED, what
                        + " waited " + waitMs + " ms for " + bytes + " bytes of working memory: the server's frame"
                        + " budget of " + capacity + " bytes (--frame-memory) is in use by other frames; retry later"));
            }
        });
        return admitted;
    }

    private synchronized boolean withdraw(Waiter w) {
        boolean removed = waiters.remove(w);
        if (removed) {
            admitFromQueue(); // the head may have been the one blocking smaller frames behind it
        }
        return removed;
    }

    private Lease lease(long bytes) {
        return new Lease() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (FrameBudget.this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    used -= bytes;
                    admitFromQueue();
                }
            }
        };
    }

    /** Lock held. Callers continue asynchronously (thenComposeAsync), so completing here only schedules work. */
    private void admitFromQueue() {
        while (!waiters.isEmpty() && used + waiters.peekFirst().bytes() <= capacity) {
            Waiter w = waiters.pollFirst();
            used += w.bytes();
            Lease l = lease(w.bytes());
            w.admitted().complete(l); // a waiter is withdrawn (under this lock) before it fails: cannot be done yet
        }
    }
}
