package io.scorecam.cli.replay;

import java.util.ArrayList;
import java.util.List;

import io.scorecam.api.support.FaithfulnessMean;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import org.HdrHistogram.Histogram;

/**
 * Counts of a replay and the time distributions of its OK frames (microseconds): the client's round trip,
 * the server's own time (total_ms, queue_ms, compute_ms of each response), and what lies between the two
 * (client round trip minus server total: the time a frame spent in the transport before the server's clock
 * started, or after it stopped). Thread-safe: every stream records into it.
 */
public final class ReplayStats {
    private static final long MAX_MICROS = 3_600_000_000L;

    private final Histogram latency = histogram();
    private final Histogram serverTotal = histogram();
    private final Histogram serverQueue = histogram();
    private final Histogram serverCompute = histogram();
    private final Histogram outsideServer = histogram();
    private final FaithfulnessMean faithfulness = new FaithfulnessMean();
    private long ok;
    private long skipped;
    private long error;
    private long forwardPasses;
    private long firstSendNanos = Long.MAX_VALUE;
    private long lastAnswerNanos = Long.MIN_VALUE;

    private long dropped;
    /** The first few ERROR answers, to print next to the counts (the rest are in results.jsonl). */
    private final List<String> firstErrors = new ArrayList<>();
    static final int ERRORS_SHOWN = 3;

    /** Live frames the source replaced by a newer one before they could be sent (never sent, so never answered). */
    public synchronized void dropped(long frames) {
        dropped += frames;
    }

    public synchronized long droppedBeforeSending() {
        return dropped;
    }

    public synchronized void sent(long nanos) {
        firstSendNanos = Math.min(firstSendNanos, nanos);
    }

    /** Counts an answered frame and the faithfulness of its maps. */
    public void answered(ExplainResponse response, long latencyNanos, long nowNanos) {
        record(response, latencyNanos, nowNanos);
        faithfulness.add(response);
    }

    private synchronized void record(ExplainResponse response, long latencyNanos, long nowNanos) {
        lastAnswerNanos = Math.max(lastAnswerNanos, nowNanos);
        FrameStatus status = response.getStatus();
        switch (status) {
            case OK -> {
                ok++;
                forwardPasses += response.getForwardPasses();
                long clientMicros = latencyNanos / 1000;
                long serverMicros = Math.round(response.getTotalMs() * 1000.0);
                put(latency, clientMicros);
                put(serverTotal, serverMicros);
                put(serverQueue, Math.round(response.getQueueMs() * 1000.0));
                put(serverCompute, Math.round(response.getComputeMs() * 1000.0));
                put(outsideServer, clientMicros - serverMicros);
            }
            case SKIPPED -> skipped++;
            default -> {
                error++;
                if (firstErrors.size() < ERRORS_SHOWN) {
                    String m = response.getErrorMessage();
                    firstErrors.add("frame " + Long.toUnsignedString(response.getFrameId()) + ": "
                            + response.getErrorCode() + " " + (m.length() > 200 ? m.substring(0, 200) + "..." : m));
                }
            }
        }
    }

    public synchronized Snapshot snapshot() {
        double seconds = lastAnswerNanos > firstSendNanos ? (lastAnswerNanos - firstSendNanos) / 1e9 : 0;
        long answered = ok + skipped + error;
        Percentiles client = Percentiles.of(latency);
        return new Snapshot(ok, skipped, error, seconds, seconds > 0 ? answered / seconds : 0,
                seconds > 0 ? ok / seconds : 0,
                client.p50(), client.p95(), client.p99(), client.max(),
                ok > 0 ? (double) forwardPasses / ok : 0, faithfulness.snapshot(),
                Percentiles.of(serverTotal), Percentiles.of(serverQueue), Percentiles.of(serverCompute),
                Percentiles.of(outsideServer), List.copyOf(firstErrors));
    }

    private static Histogram histogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    private static void put(Histogram h, long micros) {
        h.recordValue(Math.min(MAX_MICROS, Math.max(0, micros)));
    }

    /** Milliseconds; all 0 when no frame was OK. */
    public record Percentiles(double p50, double p95, double p99, double max) {
        static Percentiles of(Histogram h) {
            return new Percentiles(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    /**
     * The numbers of the summary table; latencies in milliseconds (0 when no frame was OK). p50..max are the
     * client's round trip; {@code server*} come from the responses' own timings; {@code outsideServer} is the
     * client round trip minus the server's total, per frame.
     */
    public record Snapshot(long ok, long skipped, long error, double seconds, double fps, double okFps,
                           double p50, double p95, double p99, double max, double meanForwardPasses,
                           FaithfulnessMean.Means faithfulness, Percentiles serverTotal, Percentiles serverQueue,
                           Percentiles serverCompute, Percentiles outsideServer, List<String> firstErrors) {
        public long total() {
            return ok + skipped + error;
        }

        public Percentiles client() {
            return new Percentiles(p50, p95, p99, max);
        }
    }
}
