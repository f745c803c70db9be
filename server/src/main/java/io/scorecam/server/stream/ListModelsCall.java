package io.scorecam.server.stream;

import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ListModelsResponse;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One ListModels call: exactly one request message, answered at half-close. None or two end the call with
 * INVALID_ARGUMENT (instead of hanging to the deadline, or writing to a closed stream).
 */
final class ListModelsCall {
    private final GrpcServerRequest<ListModelsRequest, ListModelsResponse> request;
    private final Supplier<ListModelsResponse> listing;
    private final CallLifecycle call;
    private final MessageReader<ListModelsRequest> reader;
    private int received;

    ListModelsCall(Vertx vertx, GrpcServerRequest<ListModelsRequest, ListModelsResponse> request,
                   Supplier<ListModelsResponse> listing, long maxMessageBytes, Executor inflater) {
        this.request = request;
        this.listing = listing;
        this.call = new CallLifecycle(vertx, request);
        this.reader = new MessageReader<>(ListModelsRequest.parser(), "ListModelsRequest", maxMessageBytes,
                inflater, call);
    }

    void start() {
        reader.start(request, new MessageReader.Sink<>() {
            @Override
            public void message(ListModelsRequest msg) {
                if (++received > 1) {
                    call.end(GrpcStatus.INVALID_ARGUMENT, "ListModels takes exactly one request message, got a second");
                }
            }

            @Override
            public void fault(CallErrors.Status status) {
                call.end(status.status(), status.message());
            }

            @Override
            public void end() {
                if (received == 0) {
                    call.end(GrpcStatus.INVALID_ARGUMENT, "ListModels takes exactly one request message, got none");
                } else {
                    call.finishWith(() -> request.response().end(listing.get()));
                }
            }
        });
        call.start(() -> "", () -> { });
    }
}
