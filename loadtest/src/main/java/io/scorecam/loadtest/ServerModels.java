package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ModelInfo;

import java.util.concurrent.TimeUnit;

/** What a running server says of the models it serves (ListModels). */
final class ServerModels {
    private ServerModels() {
    }

    /** The model called {@code name}, or an error naming it. */
    static ModelInfo named(ManagedChannel channel, String name) {
        return ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the server has no model '" + name + "'"));
    }
}
