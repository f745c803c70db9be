package io.scorecam.server.tracing;

import io.scorecam.server.batching.BatchRun;

import java.util.ArrayList;
import java.util.List;

/**
 * The batches one step of a frame (feature_pass, scoring) rode in, gathered into that step's one span: a frame
 * can take part in dozens of batches (RECIPRO_CAM: 576 head items), and a span per batch cost ~30% of
 * throughput at 8 streams in the benchmark. Batches are told on worker threads, the span is made when the
 * frame is answered (after its last batch).
 */
final class BatchStep {
    /** Batch ids kept per step (to find the frames that shared a batch); the rest are only counted. */
    static final int MAX_IDS = 32;

    final String name;
    private long enqueuedNanos = Long.MAX_VALUE;
    private long firstStartNanos = Long.MAX_VALUE;
    private long lastEndNanos = Long.MIN_VALUE;
    private long runNanos;
    private int batches;
    private long items;
    private int maxSize;
    private String kind = "";
    private Throwable failure;
    private final List<Long> ids = new ArrayList<>();

    BatchStep(String name) {
        this.name = name;
    }

    synchronized void add(BatchRun run) {
        enqueuedNanos = Math.min(enqueuedNanos, run.enqueuedNanos());
        firstStartNanos = Math.min(firstStartNanos, run.startNanos());
        lastEndNanos = Math.max(lastEndNanos, run.endNanos());
        runNanos += Math.max(0, run.endNanos() - run.startNanos());
        batches++;
        items += run.items();
        maxSize = Math.max(maxSize, run.size());
        kind = run.kind();
        if (run.failure() != null && failure == null) {
            failure = run.failure();
        }
        if (ids.size() < MAX_IDS) {
            ids.add(run.id());
        }
    }

    /** What the span shows; read once the frame is answered (no batch of it is still running). */
    synchronized Summary summary() {
        return new Summary(name, kind, enqueuedNanos, firstStartNanos, lastEndNanos, runNanos, batches, items,
                maxSize, List.copyOf(ids), failure);
    }

    record Summary(String name, String kind, long enqueuedNanos, long firstStartNanos, long lastEndNanos,
                   long runNanos, int batches, long items, int maxSize, List<Long> ids, Throwable failure) {
    }
}
