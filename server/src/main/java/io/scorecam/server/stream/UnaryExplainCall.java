package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.batching.CancellationToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.concurrent.Executor;

/**
 * One unary Explain call. The frame goes through the same {@link FrameProcessor} as a stream's frames, so
 * the maps are identical; a frame error fails the call with that status code and message (the gRPC way
 * for unary calls) instead of an ERROR response.
 */
final class UnaryExplainCall implements ActiveCall {
    private final GrpcServerRequest<ExplainRequest, ExplainResponse> request;
    private final GrpcServerResponse<ExplainRequest, ExplainResponse> response;
    private final FrameProcessor pipeline;
    private final CallRecord record;
    private final CallLifecycle call;
    private final MessageReader<ExplainRequest> reader;
    private final CancellationToken token;
    private boolean received;

    UnaryExplainCall(Vertx vertx, GrpcServerRequest<ExplainRequest, ExplainResponse> request,
                     FrameProcessor pipeline, long maxMessageBytes, Executor inflater) {
        this.request = request;
        this.response = request.response();
        this.pipeline = pipeline;
        this.call = new CallLifecycle(vertx, request);
        this.record = pipeline.record(request, false);
        call.record(record);
        this.reader = new MessageReader<>(ExplainRequest.parser(), "ExplainRequest", maxMessageBytes, inflater, call);
        this.token = new CancellationToken(call.deadlineNanos());
    }

    void start() {
        long arrival = System.nanoTime();
        reader.start(request, new MessageReader.Sink<>() {
            @Override
            public void message(ExplainRequest msg) {
                if (received) {
                    call.end(GrpcStatus.INVALID_ARGUMENT, "Explain takes exactly one request message, got a second"
                            + " (send many frames with ExplainStream)");
                    return;
                }
                received = true;
                pipeline.process(msg, token, arrival, () -> { }, record)
                        .whenComplete((resp, err) -> call.onContext(() -> answer(resp, err)));
            }

            @Override
            public void fault(CallErrors.Status status) {
                call.end(status.status(), status.message());
            }

            @Override
            public void end() {
                if (!received) {
                    call.end(GrpcStatus.INVALID_ARGUMENT, "the call ended without a request message");
                }
            }
        });
        call.start(() -> "", token::cancel);
    }

    private void answer(ExplainResponse resp, Throwable err) {
        if (resp == null) {
            call.end(GrpcStatus.INTERNAL, "internal error: " + err);
        } else if (resp.getStatus() == FrameStatus.ERROR) {
            call.end(GrpcStatus.valueOf(resp.getErrorCode()), resp.getErrorMessage());
        } else {
            call.finishWith(() -> response.end(resp));
        }
    }

    @Override
    public void drain() {
        // the one frame is already taken: it is answered normally
    }

    @Override
    public void forceClose() {
        call.onContext(() -> call.end(GrpcStatus.UNAVAILABLE, "server shut down before the frame was answered"));
    }

    @Override
    public Future<Void> closed() {
        return call.closed();
    }
}
