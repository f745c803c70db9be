package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.ArrayDeque;

/**
 * One ExplainStream call. Runs on the call's event loop; frames are processed by {@link FrameProcessor} on
 * other threads and come back through {@link Context#runOnContext}.
 *
 * <p>Invariants: exactly one response per frame, written in arrival order; at most {@code window} frames
 * are submitted and unwritten at a time (a frame keeps its slot until its response is written, so
 * out-of-order completions cannot pile up). BLOCK pauses the request stream while the window is full;
 * LATEST keeps reading and keeps only the newest waiting frame, answering each replaced one SKIPPED.
 * A full write queue (slow reader) pauses reading until it drains.
 *
 * <p>Memory: besides the window (+1 waiting frame under LATEST), Vert.x's gRPC read stream buffers up to
 * 16 decoded messages before its pause reaches HTTP/2 flow control, and the HTTP/2 stream window holds
 * more bytes in transit; so a stream holds at most about (window + 17) x --max-message-bytes +
 * --http2-stream-window, whatever the client does.
 */
final class StreamSession implements ActiveCall {
    /** LATEST: SKIPPED answers that may wait behind a slow frame before reading pauses (they are tiny). */
    static final int SKIPPED_BACKLOG_LIMIT = 256;

    private final Vertx vertx;
    private final Context ctx;
    private final GrpcServerRequest<ExplainRequest, ExplainResponse> request;
    private final GrpcServerResponse<ExplainRequest, ExplainResponse> response;
    private final FrameProcessor pipeline;
    private final ServerMetrics metrics;
    private final int window;
    private final long maxMessageBytes;
    private final long deadlineNanos;
    private final Promise<Void> closed = Promise.promise();

    /** Every frame taken and not yet written, in arrival order. */
    private final ArrayDeque<Slot> order = new ArrayDeque<>();
    /** Frames taken but not submitted (window full). LATEST keeps at most one. */
    private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
    private int active;
    private int skippedPending;
    private boolean policyKnown;
    private boolean latest;
    private boolean inputEnded;
    private boolean draining;
    private boolean finished;
    private boolean writeBlocked;
    private boolean paused;
    private boolean settling;
    private boolean resettle;
    private long deadlineTimer = -1;
    private long lastFrameId = -1;

    private static final class Slot {
        final ExplainRequest request;
        final long arrivalNanos;
        final CancellationToken token;
        boolean submitted;
        ExplainResponse response;

        Slot(ExplainRequest request, long arrivalNanos, CancellationToken token) {
            this.request = request;
            this.arrivalNanos = arrivalNanos;
            this.token = token;
        }
    }

    StreamSession(Vertx vertx, GrpcServerRequest<ExplainRequest, ExplainResponse> request, FrameProcessor pipeline,
                  ServerMetrics metrics, int window, long maxMessageBytes) {
        this.vertx = vertx;
        this.ctx = vertx.getOrCreateContext();
        this.request = request;
        this.response = request.response();
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.window = window;
        this.maxMessageBytes = maxMessageBytes;
        long timeoutMs = request.timeout();
        this.deadlineNanos = timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000L : Long.MAX_VALUE;
    }

    /** Installs the handlers; call on the request's event loop, before returning from the call handler. */
    void start() {
        metrics.streamOpened();
        request.handler(this::onFrame);
        request.endHandler(v -> {
            inputEnded = true;
            settle();
        });
        // a client cancel / RST_STREAM arrives as a GrpcError; connection loss as an exception
        request.errorHandler(err -> onReset(null));
        request.exceptionHandler(this::onReset);
        response.exceptionHandler(this::onReset);
        request.invalidMessageHandler(e -> endWith(CallErrors.invalidMessage(e, maxMessageBytes)));
        long timeoutMs = request.timeout();
        if (timeoutMs > 0) {
            deadlineTimer = vertx.setTimer(timeoutMs, id -> {
                deadlineTimer = -1;
                end(GrpcStatus.DEADLINE_EXCEEDED, "deadline of " + timeoutMs + " ms exceeded with "
                        + order.size() + " frame(s) unanswered");
            });
        }
    }

    @Override
    public void drain() {
        ctx.runOnContext(v -> {
            draining = true;
            settle();
        });
    }

    @Override
    public void forceClose() {
        ctx.runOnContext(v -> end(GrpcStatus.UNAVAILABLE,
                "server shut down before " + order.size() + " frame(s) were answered"));
    }

    @Override
    public Future<Void> closed() {
        return closed.future();
    }

    private void onFrame(ExplainRequest r) {
        if (finished) {
            return;
        }
        if (!policyKnown) {
            policyKnown = true;
            latest = r.getPolicy() == OverloadPolicy.LATEST;
        }
        lastFrameId = r.getFrameId();
        Slot slot = new Slot(r, System.nanoTime(), new CancellationToken(deadlineNanos));
        order.addLast(slot);
        if (latest && active >= window && !waiting.isEmpty()) {
            Slot replaced = waiting.pollFirst();
            replaced.response = ResponseBuilder.skipped(replaced.request.getFrameId(), replaced.arrivalNanos);
            skippedPending++;
            metrics.frameAnswered("SKIPPED", 0);
        }
        waiting.addLast(slot);
        settle();
    }

    /** Brings the session to a consistent state after any event; re-entrant calls are folded into one loop. */
    private void settle() {
        if (settling) {
            resettle = true;
            return;
        }
        settling = true;
        try {
            do {
                resettle = false;
                while (!finished && active < window && !waiting.isEmpty()) {
                    submit(waiting.pollFirst());
                }
                while (!order.isEmpty() && order.peekFirst().response != null) {
                    write(order.pollFirst());
                }
                if (!finished && active < window && !waiting.isEmpty()) {
                    resettle = true;
                }
                maybeEnd();
                updateReading();
            } while (resettle);
        } finally {
            settling = false;
        }
    }

    private void submit(Slot slot) {
        slot.submitted = true;
        active++;
        metrics.frameStarted();
        pipeline.process(slot.request, slot.token, slot.arrivalNanos).whenComplete((resp, err) -> {
            ExplainResponse answer = resp != null ? resp : ResponseBuilder.error(slot.request.getFrameId(),
                    ErrorCode.INTERNAL, "internal error: " + err, new ResponseBuilder.Timing(0, 0, 0));
            ctx.runOnContext(v -> {
                slot.response = answer;
                settle();
            });
        });
    }

    private void write(Slot slot) {
        if (slot.submitted) {
            active--;
            metrics.frameFinished();
        } else {
            skippedPending--;
        }
        if (finished) {
            return;
        }
        response.write(slot.response);
        if (!writeBlocked && response.writeQueueFull()) {
            writeBlocked = true;
            response.drainHandler(v -> {
                writeBlocked = false;
                settle();
            });
        }
    }

    private void maybeEnd() {
        if (finished || !order.isEmpty()) {
            return;
        }
        if (inputEnded) {
            end(GrpcStatus.OK, null);
        } else if (draining) {
            end(GrpcStatus.UNAVAILABLE, "server is shutting down; frames after frame_id " + lastFrameId
                    + " were not read");
        }
    }

    private void updateReading() {
        if (finished) {
            return;
        }
        boolean full = latest ? skippedPending >= SKIPPED_BACKLOG_LIMIT : active >= window;
        boolean pause = full || writeBlocked || draining;
        if (pause && !paused) {
            paused = true;
            request.pause();
        } else if (!pause && paused) {
            paused = false;
            request.resume();
        }
    }

    private void endWith(CallErrors.Status status) {
        end(status.status(), status.message());
    }

    private void end(GrpcStatus status, String message) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (status != GrpcStatus.OK) {
                response.status(status);
                if (message != null) {
                    response.statusMessage(message);
                }
            }
            response.end();
        } catch (RuntimeException e) {
            // the stream is already gone (reset under our feet): nothing left to tell the client
        } finally {
            cleanUp();
        }
    }

    /** Client cancel or connection loss: nothing can be written any more. */
    private void onReset(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        cleanUp();
    }

    private void cleanUp() {
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
        // frames still queued in the engine are dropped when a worker dequeues them
        for (Slot s : order) {
            s.token.cancel();
        }
        order.removeAll(waiting);
        waiting.clear();
        metrics.streamClosed();
        closed.tryComplete();
    }
}
