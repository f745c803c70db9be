package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.bench.RawOrtThroughput;
import io.scorecam.server.lifecycle.JitQuiet;
import io.scorecam.server.metrics.ServerMetrics;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Steady-state frames/s of closed-loop streams: the streams keep their windows full the whole time; after a
 * warm-up (JIT, first ORT runs, pipeline filled) only the frames answered inside a fixed measuring window
 * count, so the ramp-up and the drain at the end never dilute the rate. ORT time and batch sizes per batch
 * kind are read from the server's meters over the same window (where the time goes).
 */
public final class ThroughputProbe {
    private final ManagedChannel channel;
    private final MeterRegistry registry;
    private final int workers;
    private final JitSettle jitSettle;

    public ThroughputProbe(ManagedChannel channel, MeterRegistry registry, int workers) {
        this(channel, registry, workers, JitSettle.off());
    }

    ThroughputProbe(ManagedChannel channel, MeterRegistry registry, int workers, JitSettle jitSettle) {
        this.channel = channel;
        this.registry = registry;
        this.workers = workers;
        this.jitSettle = jitSettle;
    }

    /**
     * Closed loop: {@code streams} streams with {@code window} frames in flight each.
     *
     * @param warmupSeconds at least this long, and until every stream had an answer
     * @param seconds       measuring window; extended (to 10x) until at least {@code minFrames} were answered in it
     */
    public Measurement measure(RequestTemplate template, int streams, int window, double warmupSeconds,
                               double seconds, int minFrames) throws InterruptedException {
        return measure(template, streams, s -> StreamPlan.closed(window, 0, 0), warmupSeconds, seconds, minFrames);
    }

    /**
     * Any plan per stream (an open loop for a live camera). Frames answered SKIPPED (policy LATEST) are counted
     * apart from errors; latencies are those of the OK frames answered in the measuring window, from when each
     * frame was due to leave (open loop: its slot in the schedule, so a held-back sender still counts).
     */
    public Measurement measure(RequestTemplate template, int streams, IntFunction<StreamPlan> plans,
                               double warmupSeconds, double seconds, int minFrames) throws InterruptedException {
        AtomicLong answered = new AtomicLong();
        AtomicLong inWindow = new AtomicLong();
        AtomicLong passesInWindow = new AtomicLong();
        AtomicLong skippedInWindow = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong windowStart = new AtomicLong(Long.MAX_VALUE);
        Histogram latencies = new Histogram(3_600_000_000L, 3);
        StreamDriver.ResponseListener listener = (response, now, intended) -> {
            answered.incrementAndGet();
            boolean counted = now >= windowStart.get();
            if (response.getStatus() == FrameStatus.SKIPPED) {
                if (counted) {
                    skippedInWindow.incrementAndGet();
                }
                return;
            }
            if (response.getStatus() != FrameStatus.OK) {
                errors.incrementAndGet();
                return;
            }
            if (counted) {
                inWindow.incrementAndGet();
                passesInWindow.addAndGet(response.getForwardPasses());
                if (intended > 0) {
                    synchronized (latencies) {
                        latencies.recordValue(Math.max(0, Math.min(3_600_000_000L, (now - intended) / 1000)));
                    }
                }
            }
        };
        LoadRun run = new LoadRun(channel, template, streams, plans, TimeUnit.MINUTES.toNanos(10));
        LoadRun.Result[] result = new LoadRun.Result[1];
        Thread runner = new Thread(() -> {
            try {
                result[0] = run.run(listener);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "probe");
        runner.start();
        long start = System.nanoTime();
        long warmEnd = start + (long) (warmupSeconds * 1e9);
        long warmLimit = start + TimeUnit.MINUTES.toNanos(10);
        while ((System.nanoTime() < warmEnd || answered.get() < streams) && System.nanoTime() < warmLimit
                && runner.isAlive()) {
            Thread.sleep(5);
        }
        JitQuiet.Check jit = jitSettle.await(runner::isAlive);
        Map<String, double[]> meters0 = meters();
        Map<String, Double> stages0 = stages();
        long cpu0 = RawOrtThroughput.processCpuNanos();
        long t0 = System.nanoTime();
        windowStart.set(t0);
        long end = t0 + (long) (seconds * 1e9);
        long limit = t0 + (long) (10 * Math.max(seconds, 1) * 1e9);
        long now;
        while (((now = System.nanoTime()) < end || inWindow.get() < minFrames) && now < limit && runner.isAlive()) {
            Thread.sleep(2);
        }
        long t1 = System.nanoTime();
        long cpu1 = RawOrtThroughput.processCpuNanos();
        long frames = inWindow.get();
        long passes = passesInWindow.get();
        Map<String, double[]> meters1 = meters();
        run.stop();
        runner.join();
        double elapsed = (t1 - t0) / 1e9;
        Map<String, KindLoad> kinds = new TreeMap<>();
        double[] itemsTotal = {0};
        meters1.forEach((kind, m1) -> {
            double[] m0 = meters0.getOrDefault(kind, new double[3]);
            double batches = m1[0] - m0[0];
            double items = m1[1] - m0[1];
            double ort = m1[2] - m0[2];
            itemsTotal[0] += items;
            if (batches > 0) {
                kinds.put(kind, new KindLoad(batches, items / batches, ort / (elapsed * workers),
                        ort > 0 ? items / ort * workers : 0));
            }
        });
        StreamStats stats = result[0] == null ? new StreamStats() : result[0].stats();
        LatencyRecorder.LatencyStats latency;
        synchronized (latencies) {
            latency = LatencyRecorder.LatencyStats.of(latencies);
        }
        return new Measurement(frames / elapsed, frames == 0 ? 0 : passes / (double) frames, frames, elapsed,
                itemsTotal[0] / elapsed, errors.get(), stats.firstError(), kinds, skippedInWindow.get(), latency,
                stages(stages0, stages(), frames), (cpu1 - cpu0) / 1e9, jit);
    }

    /** stage -> total seconds so far of the server's frame-path timers. */
    private Map<String, Double> stages() {
        Map<String, Double> m = new TreeMap<>();
        for (Timer t : registry.find(ServerMetrics.STAGE_TIME).timers()) {
            m.merge(t.getId().getTag("stage"), t.totalTime(TimeUnit.SECONDS), Double::sum);
        }
        return m;
    }

    /** Mean milliseconds per frame of each stage between two snapshots, in the server's stage order. */
    private static Map<String, Double> stages(Map<String, Double> before, Map<String, Double> after, long frames) {
        Map<String, Double> perFrame = new LinkedHashMap<>();
        for (String stage : ServerMetrics.STAGES) {
            Double total = after.get(stage);
            if (total != null && frames > 0) {
                perFrame.put(stage, (total - before.getOrDefault(stage, 0.0)) * 1000 / frames);
            }
        }
        return perFrame;
    }

    /** kind -> {batches, items, ORT seconds} so far. */
    private Map<String, double[]> meters() {
        Map<String, double[]> m = new TreeMap<>();
        for (DistributionSummary s : registry.find(ServerMetrics.BATCH_SIZE).summaries()) {
            double[] v = m.computeIfAbsent(s.getId().getTag("kind"), k -> new double[3]);
            v[0] += s.count();
            v[1] += s.totalAmount();
        }
        for (Timer t : registry.find(ServerMetrics.ORT_TIME).timers()) {
            m.computeIfAbsent(t.getId().getTag("kind"), k -> new double[3])[2] += t.totalTime(TimeUnit.SECONDS);
        }
        return m;
    }

    /**
     * @param framesPerSecond OK frames answered per second in the measuring window
     * @param meanPasses      mean forward_passes of those frames
     * @param frames          how many were answered in the window
     * @param seconds         length of the window
     * @param passesPerSecond forward passes (items of all batch kinds) the server ran per second in the window:
     *                        divided by the passes per frame, a frame rate that does not depend on how many
     *                        frames happened to finish inside the window (smoother for slow models)
     * @param notOk           frames answered SKIPPED or ERROR during the whole run
     * @param firstError      the first error message, or null
     * @param kinds           per batch kind: what ORT did in the window
     * @param skipped         frames answered SKIPPED in the window (policy LATEST dropped them)
     * @param latency         per-frame latency of the OK frames answered in the window
     * @param stages          mean milliseconds per answered frame in each stage of the server's frame path, in
     *                        the window (decode, resize, normalise, passes, combine, encode); empty when the
     *                        server measures none
     * @param cpuSeconds      CPU time of this whole process (server and client) in the window
     */
    public record Measurement(double framesPerSecond, double meanPasses, long frames, double seconds,
                              double passesPerSecond, long notOk,
                              String firstError, Map<String, KindLoad> kinds, long skipped,
                              LatencyRecorder.LatencyStats latency, Map<String, Double> stages,
                              double cpuSeconds, JitQuiet.Check jit) {
        /** Forward passes the server ran per second for the frames answered in the window (their forward_passes). */
        public double answeredPassesPerSecond() {
            return framesPerSecond * meanPasses;
        }
    }

    /**
     * @param batches      batches run
     * @param meanBatch    mean items per batch
     * @param ortBusy      ORT time / (window x workers): how much of the workers' time ORT ran
     * @param itemsPerOrtS items per ORT-second x workers: the rate if ORT were never idle
     */
    public record KindLoad(double batches, double meanBatch, double ortBusy, double itemsPerOrtS) {
    }
}
