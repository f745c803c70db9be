package io.scorecam.server.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What one request cost: forward passes it ran itself, and time its work waited in the batch queue. */
final class FrameCost {
    final long startNanos = System.nanoTime();
    private final AtomicInteger passes = new AtomicInteger();
    private final AtomicLong queueNanos = new AtomicLong();

    void addPasses(int n) {
        passes.addAndGet(n);
    }

    void addQueueNanos(long nanos) {
        queueNanos.addAndGet(Math.max(0, nanos));
    }

    int passes() {
        return passes.get();
    }

    double queueMs() {
        return queueNanos.get() / 1e6;
    }

    double elapsedMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
