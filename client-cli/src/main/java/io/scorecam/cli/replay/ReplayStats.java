package io.scorecam.cli.replay;

import io.scorecam.api.support.FaithfulnessMean;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import org.HdrHistogram.Histogram;

/**
 * Counts of a replay and its latency distribution (client round trip of OK frames, microseconds).
 * Thread-safe: every stream records into it.
 */
public final class ReplayStats {
    private static final long MAX_MICROS = 3_600_000_000L;

    private final Histogram latency = new Histogram(MAX_MICROS, 3);
    private final FaithfulnessMean faithfulness = new FaithfulnessMean();
    private long ok;
    private long skipped;
    private long error;
    private long forwardPasses;
    private long firstSendNanos = Long.MAX_VALUE;
    private long lastAnswerNanos = Long.MIN_VALUE;

    private long dropped;

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
        answered(response.getStatus(), latencyNanos, response.getForwardPasses(), nowNanos);
        faithfulness.add(response);
    }

    private synchronized void answered(FrameStatus status, long latencyNanos, int passes, long nowNanos) {
        lastAnswerNanos = Math.max(lastAnswerNanos, nowNanos);
        switch (status) {
            case OK -> {
                ok++;
                forwardPasses += passes;
                latency.recordValue(Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1000)));
            }
            case SKIPPED -> skipped++;
            default -> error++;
        }
    }

    public synchronized Snapshot snapshot() {
        double seconds = lastAnswerNanos > firstSendNanos ? (lastAnswerNanos - firstSendNanos) / 1e9 : 0;
        long answered = ok + skipped + error;
        return new Snapshot(ok, skipped, error, seconds, seconds > 0 ? answered / seconds : 0,
                seconds > 0 ? ok / seconds : 0,
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(95)),
                ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()),
                ok > 0 ? (double) forwardPasses / ok : 0, faithfulness.snapshot());
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** The numbers of the summary table; latencies in milliseconds (0 when no frame was OK). */
    public record Snapshot(long ok, long skipped, long error, double seconds, double fps, double okFps,
                           double p50, double p95, double p99, double max, double meanForwardPasses,
                           FaithfulnessMean.Means faithfulness) {
        public long total() {
            return ok + skipped + error;
        }
    }
}
