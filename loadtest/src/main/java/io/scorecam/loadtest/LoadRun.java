package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainServiceGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** S streams on one channel, each with its own plan, run together; returns what they measured. */
public final class LoadRun {
    private final ManagedChannel channel;
    private final RequestTemplate template;
    private final int streams;
    private final IntFunction<StreamPlan> plans;
    private final long drainNanos;
    private final int maxReconnects;
    private final List<StreamDriver> drivers = new ArrayList<>();

    /**
     * @param plans      the plan of stream i
     * @param drainNanos how long to wait for the last answers once sending stops
     */
    public LoadRun(ManagedChannel channel, RequestTemplate template, int streams, IntFunction<StreamPlan> plans,
                   long drainNanos) {
        this(channel, template, streams, plans, drainNanos, 0);
    }

    /** @param maxReconnects per stream, how many times a call that ended UNAVAILABLE is replaced */
    public LoadRun(ManagedChannel channel, RequestTemplate template, int streams, IntFunction<StreamPlan> plans,
                   long drainNanos, int maxReconnects) {
        this.maxReconnects = maxReconnects;
        this.channel = channel;
        this.template = template;
        this.streams = streams;
        this.plans = plans;
        this.drainNanos = drainNanos;
    }

    /** Stops every stream's sending (for runs ended from outside, e.g. by the benchmark). */
    public synchronized void stop() {
        drivers.forEach(StreamDriver::stop);
    }

    /** Runs all streams to their end. */
    public Result run(StreamDriver.ResponseListener listener) throws InterruptedException {
        LatencyRecorder latency = new LatencyRecorder();
        StreamStats stats = new StreamStats();
        List<Thread> threads = new ArrayList<>();
        ExplainServiceGrpc.ExplainServiceStub stub = ExplainServiceGrpc.newStub(channel);
        long start = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            StreamDriver driver = new StreamDriver(s, template, plans.apply(s), latency, stats, listener, maxReconnects);
            synchronized (this) {
                drivers.add(driver);
            }
            Thread t = new Thread(() -> {
                try {
                    driver.run(stub, drainNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stream-" + s);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(stats, latency, (System.nanoTime() - start) / 1e9);
    }

    /** Counts, latencies and wall time of a run. */
    public record Result(StreamStats stats, LatencyRecorder latency, double seconds) {
    }
}
