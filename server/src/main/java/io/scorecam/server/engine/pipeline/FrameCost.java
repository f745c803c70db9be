package io.scorecam.server.engine.pipeline;

import io.scorecam.server.batching.BatchObserver;
import io.scorecam.server.engine.api.FrameTrace;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What one request cost: forward passes it ran itself, and time its work waited in the batch queue. */
public final class FrameCost {
    final long startNanos = System.nanoTime();
    private final Runnable workTaken;
    private final FrameTrace trace;
    private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();

    public FrameCost() {
        this(() -> { });
    }

    /** @param workTaken told once when the engine has taken all of the frame's passes (see {@link #workTaken()}) */
    public FrameCost(Runnable workTaken) {
        this(workTaken, FrameTrace.NONE);
    }

    /** @param trace told the frame's steps and batches */
    public FrameCost(Runnable workTaken, FrameTrace trace) {
        this.workTaken = workTaken;
        this.trace = trace;
    }

    /** Where the frame's steps are reported (FrameTrace.NONE: nowhere). */
    public FrameTrace trace() {
        return trace;
    }

    /** An observer reporting each batch of this frame's items as a {@code name} step of its trace. */
    public BatchObserver batches(String name) {
        return trace.recording() ? run -> trace.batch(name, run) : BatchObserver.NONE;
    }

    /** The frame's last queued pass has been taken by a worker, or it needs none: tell the caller, once. */
    public void workTaken() {
        if (taken.compareAndSet(false, true)) {
            workTaken.run();
        }
    }
    private final AtomicInteger passes = new AtomicInteger();
    private final AtomicLong queueNanos = new AtomicLong();

    private volatile long passesStartNanos;

    /** The frame's input tensor is ready: from here on its time is the passes' (queue waits included). */
    public void passesStart() {
        passesStartNanos = System.nanoTime();
    }

    /** Nanoseconds since {@link #passesStart()} (0 if never marked). */
    public long sincePassesStart() {
        long start = passesStartNanos;
        return start == 0 ? 0 : System.nanoTime() - start;
    }

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
