package io.scorecam.server.web;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.server.batching.CancellationToken;

import java.util.concurrent.CompletableFuture;

/**
 * What the viewer needs from the server: the very frame path gRPC streams use (same decode, engine, encode and
 * frame metrics) and the ListModels answer. The returned future always completes normally (errors are ERROR
 * responses); a cancelled token makes the engine drop the frame's queued work.
 */
public interface LiveBackend {
    CompletableFuture<ExplainResponse> explain(ExplainRequest request, CancellationToken token);

    ListModelsResponse models();
}
