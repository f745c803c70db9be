package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.concurrent.Executor;

/**
 * One ExplainStream call: the Vert.x side of a {@link StreamWindow}. Runs on the call's event loop; frames
 * are processed by {@link FrameProcessor} on other threads and come back through {@link Context#runOnContext}.
 * The window decides what to submit, write, read and when to end; this class does the I/O.
 *
 * <p>Memory: besides the window (2 x window under BLOCK, whose frames release their slot once the engine has
 * taken their work; under LATEST's default at most 2 in all, +1 waiting frame), Vert.x's gRPC read stream
 * buffers up to 16 decoded messages before its pause reaches HTTP/2 flow control, and the HTTP/2 stream window
 * holds more bytes in transit; so a stream holds at most about (2 x window + 17) x --max-message-bytes
 * + --http2-stream-window, whatever the client does.
 */
final class StreamSession implements ActiveCall {
    /** LATEST: SKIPPED answers that may wait behind a slow frame before reading pauses (they are tiny). */
    static final int SKIPPED_BACKLOG_LIMIT = 256;

    /** A frame taken from the stream. */
    private record Inbound(ExplainRequest request, long arrivalNanos, CancellationToken token) {
    }

    private final GrpcServerRequest<ExplainRequest, ExplainResponse> request;
    private final GrpcServerResponse<ExplainRequest, ExplainResponse> response;
    private final FrameProcessor pipeline;
    private final CallRecord record;
    /** The model versions this stream runs on (a reload mid-stream does not change them). */
    private final ModelPins pins;
    private final ServerMetrics metrics;
    private final CallLifecycle call;
    private final MessageReader<ExplainRequest> reader;
    private final StreamWindow<Inbound, ExplainResponse> window;
    private CallErrors.Status fault;
    private boolean writeBlocked;
    private boolean paused;
    private boolean settling;
    private boolean resettle;
    private long lastFrameId = -1;

    StreamSession(Vertx vertx, GrpcServerRequest<ExplainRequest, ExplainResponse> request, FrameProcessor pipeline,
                  ServerMetrics metrics, int window, long maxMessageBytes, Executor inflater) {
        this.request = request;
        this.response = request.response();
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.call = new CallLifecycle(vertx, request);
        this.record = pipeline.record(request, true);
        this.pins = pipeline.pins();
        call.record(record);
        this.reader = new MessageReader<>(ExplainRequest.parser(), "ExplainRequest", maxMessageBytes, inflater, call);
        this.window = new StreamWindow<>(window, SKIPPED_BACKLOG_LIMIT);
        record.endFields(this.window::overlapFields); // read as the call ends, on its context
    }

    /** Installs the handlers; call on the request's event loop, before returning from the call handler. */
    void start() {
        metrics.streamOpened();
        reader.start(request, new MessageReader.Sink<>() {
            @Override
            public void message(ExplainRequest r) {
                onFrame(r);
            }

            @Override
            public void fault(CallErrors.Status status) {
                // answer every frame read before the fault, then end with the status that names it
                fault = status;
                window.fault();
                settle();
            }

            @Override
            public void end() {
                window.inputEnded();
                settle();
            }

            @Override
            public void changed() {
                settle();
            }
        });
        call.start(() -> " with " + window.unanswered() + " frame(s) unanswered", this::cleanUp);
    }

    @Override
    public void drain() {
        call.onContext(() -> {
            window.drain();
            settle();
        });
    }

    @Override
    public void forceClose() {
        call.onContext(() -> call.end(GrpcStatus.UNAVAILABLE,
                "server shut down before " + window.unanswered() + " frame(s) were answered"));
    }

    @Override
    public Future<Void> closed() {
        return call.closed();
    }

    private void onFrame(ExplainRequest r) {
        if (call.finished()) {
            return;
        }
        lastFrameId = r.getFrameId();
        var replaced = window.accept(new Inbound(r, System.nanoTime(), new CancellationToken(call.deadlineNanos())),
                r.getPolicy() == OverloadPolicy.LATEST);
        if (replaced != null) {
            Inbound old = replaced.frame();
            window.answer(replaced, ResponseBuilder.skipped(old.request().getFrameId(), old.arrivalNanos()));
            pipeline.skipped(old.request(), record);
        }
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
                for (var slot = window.nextToSubmit(); slot != null; slot = window.nextToSubmit()) {
                    submit(slot);
                }
                for (var slot = window.nextToWrite(); slot != null; slot = window.nextToWrite()) {
                    write(slot);
                }
                if (window.canSubmit()) {
                    resettle = true;
                }
                maybeEnd();
                updateReading();
            } while (resettle);
        } finally {
            settling = false;
        }
    }

    private void submit(StreamWindow.Slot<Inbound, ExplainResponse> slot) {
        metrics.frameStarted();
        Inbound in = slot.frame();
        // once the engine has taken all of this frame's work, the next frame may start (StreamWindow.release)
        Runnable workTaken = () -> call.onContext(() -> {
            window.release(slot);
            settle();
        });
        pipeline.process(in.request(), in.token(), in.arrivalNanos(), workTaken, record, pins).whenComplete((resp, err) -> {
            ExplainResponse answer = resp != null ? resp : ResponseBuilder.error(in.request().getFrameId(),
                    ErrorCode.INTERNAL, "internal error: " + err, new ResponseBuilder.Timing(0, 0, 0));
            call.onContext(() -> {
                window.answer(slot, answer);
                settle();
            });
        });
    }

    private void write(StreamWindow.Slot<Inbound, ExplainResponse> slot) {
        if (slot.submitted()) {
            metrics.frameFinished();
        }
        if (call.finished()) {
            return;
        }
        response.write(slot.answer());
        if (!writeBlocked && response.writeQueueFull()) {
            writeBlocked = true;
            window.writeBlocked(true);
            response.drainHandler(v -> {
                writeBlocked = false;
                window.writeBlocked(false);
                settle();
            });
        }
    }

    private void maybeEnd() {
        switch (window.ending()) {
            case COMPLETED -> call.end(GrpcStatus.OK, null);
            case FAULTED -> call.end(fault.status(), fault.message() + "; the " + (reader.count() - 1)
                    + " message(s) before it were answered");
            case DRAINED -> call.end(GrpcStatus.UNAVAILABLE, "server is shutting down; frames after frame_id "
                    + lastFrameId + " were not read");
            default -> {
            }
        }
    }

    private void updateReading() {
        if (call.finished()) {
            return;
        }
        boolean pause = !window.wantsInput() || reader.busy();
        if (pause && !paused) {
            paused = true;
            request.pause();
        } else if (!pause && paused) {
            paused = false;
            request.resume();
        }
    }

    private void cleanUp() {
        // frames still queued in the engine are dropped when a worker dequeues them
        for (Inbound in : window.finish()) {
            in.token().cancel();
        }
        pins.close(); // frames still in flight hold their own reference to their model version
        metrics.streamClosed();
    }
}
