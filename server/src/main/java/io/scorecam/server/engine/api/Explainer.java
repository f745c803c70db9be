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

    /**
     * As {@link #explain(FrameRequest)}; {@code workTaken} runs once, on any thread, as soon as the engine has
     * taken all of the frame's work (its last batch is running, or it needed none): a stream may start its
     * next frame then, so that frame's decode and feature pass overlap this one's last passes. This default
     * never runs it: the frame keeps its stream slot until its answer is written.
     */
    default CompletableFuture<FrameResult> explain(FrameRequest request, Runnable workTaken) {
        return explain(request);
    }

    /**
     * As {@link #explain(FrameRequest, Runnable)}; the frame's steps and batches are reported to {@code trace}.
     * This default reports nothing.
     */
    default CompletableFuture<FrameResult> explain(FrameRequest request, Runnable workTaken, FrameTrace trace) {
        return explain(request, workTaken);
    }

    /**
     * As {@link #explain(FrameRequest, Runnable, FrameTrace)}, on the version of the model the lease holds (the
     * request's model name is then only its label). This default ignores the lease: its models never change.
     */
    default CompletableFuture<FrameResult> explain(ModelLease lease, FrameRequest request, Runnable workTaken,
                                                   FrameTrace trace) {
        return explain(request, workTaken, trace);
    }

    /**
     * The version of a model now served (empty name: the default model), held until the lease is closed.
     *
     * @throws io.scorecam.server.errors.ScoreCamException NOT_FOUND naming the model when it is not served
     */
    default ModelLease lease(String model) {
        List<ModelDescription> all = models();
        for (ModelDescription m : all) {
            if (model == null || model.isEmpty() ? m.isDefault() : m.name().equals(model)) {
                return ModelLease.fixed(m);
            }
        }
        throw ModelLeases.notFound(model, all.stream().map(ModelDescription::name).toList());
    }

    List<ModelDescription> models();

    /** Masked items waiting in the batch queue (for metrics and tests). */
    int queuedItems();

    @Override
    void close();
}
