package io.scorecam.server.engine.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine as the gRPC layer sees it. {@link #explain} never blocks: work is queued for the batch
 * workers and the future completes on a worker thread. It completes exceptionally with a
 * {@link io.scorecam.server.errors.ScoreCamException} that names the problem (bad class id, unknown
 * model, cancelled, ...).
 */
public interface Explainer extends AutoCloseable {

    CompletableFuture<FrameResult> explain(FrameRequest request);

    List<ModelDescription> models();

    /** Masked items waiting in the batch queue (for metrics and tests). */
    int queuedItems();

    @Override
    void close();
}
