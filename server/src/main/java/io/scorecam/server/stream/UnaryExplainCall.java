package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.batching.CancellationToken;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * One unary Explain call. The frame goes through the same {@link FrameProcessor} as a stream's frames, so
 * the maps are identical; a frame error fails the call with that status code and message (the gRPC way
 * for unary calls) instead of an ERROR response.
 */
final class UnaryExplainCall implements ActiveCall {
    private final Vertx vertx;
    private final Context ctx;
    private final GrpcServerRequest<ExplainRequest, ExplainResponse> request;
    private final GrpcServerResponse<ExplainRequest, ExplainResponse> response;
    private final FrameProcessor pipeline;
    private final long maxMessageBytes;
    private final CancellationToken token;
    private final Promise<Void> closed = Promise.promise();
    private boolean finished;
    private boolean received;
    private long deadlineTimer = -1;

    UnaryExplainCall(Vertx vertx, GrpcServerRequest<ExplainRequest, ExplainResponse> request,
                     FrameProcessor pipeline, long maxMessageBytes) {
        this.vertx = vertx;
        this.ctx = vertx.getOrCreateContext();
        this.request = request;
        this.response = request.response();
        this.pipeline = pipeline;
        this.maxMessageBytes = maxMessageBytes;
        long timeoutMs = request.timeout();
        this.token = new CancellationToken(
                timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000L : Long.MAX_VALUE);
    }

    void start() {
        long arrival = System.nanoTime();
        request.handler(msg -> {
            received = true;
            pipeline.process(msg, token, arrival).whenComplete((resp, err) -> ctx.runOnContext(v -> answer(resp, err)));
        });
        request.endHandler(v -> {
            if (!received) {
                end(GrpcStatus.INVALID_ARGUMENT, "the call ended without a request message");
            }
        });
        request.invalidMessageHandler(e -> {
            CallErrors.Status s = CallErrors.invalidMessage(e, maxMessageBytes);
            end(s.status(), s.message());
        });
        request.errorHandler(err -> close());
        request.exceptionHandler(e -> close());
        response.exceptionHandler(e -> close());
        long timeoutMs = request.timeout();
        if (timeoutMs > 0) {
            deadlineTimer = vertx.setTimer(timeoutMs, id -> {
                deadlineTimer = -1;
                end(GrpcStatus.DEADLINE_EXCEEDED, "deadline of " + timeoutMs + " ms exceeded");
            });
        }
    }

    private void answer(ExplainResponse resp, Throwable err) {
        if (finished) {
            return;
        }
        if (resp == null) {
            end(GrpcStatus.INTERNAL, "internal error: " + err);
        } else if (resp.getStatus() == FrameStatus.ERROR) {
            end(GrpcStatus.valueOf(resp.getErrorCode()), resp.getErrorMessage());
        } else {
            finished = true;
            try {
                response.end(resp);
            } catch (RuntimeException e) {
                // the stream is already gone
            } finally {
                close();
            }
        }
    }

    private void end(GrpcStatus status, String message) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            response.status(status).statusMessage(message).end();
        } catch (RuntimeException e) {
            // the stream is already gone: nothing left to tell the client
        } finally {
            close();
        }
    }

    private void close() {
        finished = true;
        token.cancel();
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
        closed.tryComplete();
    }

    @Override
    public void drain() {
        // the one frame is already taken: it is answered normally
    }

    @Override
    public void forceClose() {
        ctx.runOnContext(v -> end(GrpcStatus.UNAVAILABLE, "server shut down before the frame was answered"));
    }

    @Override
    public Future<Void> closed() {
        return closed.future();
    }
}
