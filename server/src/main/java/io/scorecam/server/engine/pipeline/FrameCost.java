package io.scorecam.server.engine.pipeline;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What one request cost: forward passes it ran itself, and time its work waited in the batch queue. */
public final class FrameCost {
    final long startNanos = System.nanoTime();
    private final AtomicInteger passes = new AtomicInteger();
    private final AtomicLong queueNanos = new AtomicLong();

    public void addPasses(int n) {
        passes.addAndGet(n);
    }

    public void addQueueNanos(long nanos) {
        queueNanos.addAndGet(Math.max(0, nanos));
    }

    public int passes() {
        return passes.get();
    }

    public double queueMs() {
        return queueNanos.get() / 1e6;
    }

    public double elapsedMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
