package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.web.LiveBackend;

import java.util.concurrent.CompletableFuture;

/**
 * The live viewer's way into the server: the very FrameProcessor gRPC streams use, once {@link #attach}ed by
 * serve(). The viewer's port opens with the gRPC port, before the models are loaded; until then its frames
 * are answered UNAVAILABLE and it lists no model.
 */
final class LivePath implements LiveBackend {
    private volatile FrameProcessor processor;
    private volatile ModelCatalog catalog;

    void attach(FrameProcessor processor, ModelCatalog catalog) {
        this.catalog = catalog;
        this.processor = processor;
    }

    @Override
    public CompletableFuture<ExplainResponse> explain(ExplainRequest request, CancellationToken token) {
        FrameProcessor p = processor;
        if (p == null) {
            return CompletableFuture.completedFuture(ResponseBuilder.error(request.getFrameId(), ErrorCode.UNAVAILABLE,
                    "the server is still loading its models", new ResponseBuilder.Timing(0, 0, 0)));
        }
        return p.process(request, token, System.nanoTime());
    }

    @Override
    public ListModelsResponse models() {
        ModelCatalog c = catalog;
        return c == null ? ListModelsResponse.getDefaultInstance() : c.listing();
    }
}
