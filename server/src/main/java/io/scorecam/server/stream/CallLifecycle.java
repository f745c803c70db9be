package io.scorecam.server.stream;

import io.scorecam.server.errors.Echo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The lifecycle every Explain call shares: its deadline, how it ends (once: a status, or a reset by the
 * client or the connection) and what runs when it is over. Runs on the call's event loop.
 */
final class CallLifecycle {
    /** ~100 years: any longer timeout is the same as none, and {@code now + this} cannot overflow. */
    static final long LONGEST_TIMEOUT_NANOS = TimeUnit.DAYS.toNanos(36_500);

    private final Vertx vertx;
    private final Context ctx;
    private final GrpcServerRequest<?, ?> request;
    private final GrpcServerResponse<?, ?> response;
    private final long timeoutMs;
    private final long deadlineNanos;
    private final Promise<Void> closed = Promise.promise();
    private Runnable onClose = () -> { };
    private CallRecord record = CallRecord.NONE;
    /** How the call ended, for the event log; a reset leaves these. */
    private String endCode = "CANCELLED";
    private String endMessage = "reset by the client or the connection";
    private boolean finished;
    private long deadlineTimer = -1;

    CallLifecycle(Vertx vertx, GrpcServerRequest<?, ?> request) {
        this.vertx = vertx;
        this.ctx = vertx.getOrCreateContext();
        this.request = request;
        this.response = request.response();
        this.timeoutMs = request.timeout();
        this.deadlineNanos = deadlineNanos(System.nanoTime(), timeoutMs);
    }

    /**
     * The deadline {@code timeoutMs} after {@code nowNanos}. grpc-timeout allows up to 99999999H (~11,000
     * years): {@code ms * 1_000_000} overflows from 2562048H on and would put the deadline in the past, so
     * timeouts are capped at {@link #LONGEST_TIMEOUT_NANOS}, which keeps {@code now - deadline} comparisons
     * (as in CancellationToken) free of overflow.
     */
    static long deadlineNanos(long nowNanos, long timeoutMs) {
        if (timeoutMs <= 0) {
            return Long.MAX_VALUE;
        }
        return nowNanos + Math.min(TimeUnit.MILLISECONDS.toNanos(timeoutMs), LONGEST_TIMEOUT_NANOS);
    }

    /**
     * Installs the reset handlers and the deadline timer; call on the request's event loop, before returning
     * from the call handler.
     *
     * @param unanswered what the deadline message adds about the work left (e.g. " with 2 frame(s) unanswered")
     * @param onClose    runs once when the call is over, however it ended
     */
    void start(Supplier<String> unanswered, Runnable onClose) {
        this.onClose = onClose;
        // a client cancel / RST_STREAM arrives as a GrpcError; connection loss as an exception
        request.errorHandler(err -> reset());
        request.exceptionHandler(e -> reset());
        response.exceptionHandler(e -> reset());
        if (timeoutMs > 0 && TimeUnit.MILLISECONDS.toNanos(timeoutMs) < LONGEST_TIMEOUT_NANOS) {
            deadlineTimer = vertx.setTimer(timeoutMs, id -> {
                deadlineTimer = -1;
                end(GrpcStatus.DEADLINE_EXCEEDED, "deadline of " + timeoutMs + " ms exceeded" + unanswered.get());
            });
        }
    }

    /** {@link System#nanoTime()} at which the call's deadline passes; Long.MAX_VALUE without one. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    /** True once the call ended or was reset: nothing more may be written. */
    boolean finished() {
        return finished;
    }

    /** Where the call's end is logged. */
    void record(CallRecord record) {
        this.record = record;
    }

    /** Runs {@code task} on the call's event loop. */
    void onContext(Runnable task) {
        ctx.runOnContext(v -> task.run());
    }

    /** Ends the call with {@code status} (and {@code message} when not OK). */
    void end(GrpcStatus status, String message) {
        if (!finished) {
            endCode = status.name();
            endMessage = status == GrpcStatus.OK ? null : message;
        }
        finish(() -> {
            if (status != GrpcStatus.OK) {
                response.status(status);
                if (message != null) {
                    response.statusMessage(Echo.message(message));
                }
            }
            response.end();
        });
    }

    /** Ends the call by running {@code lastWrite} (e.g. the unary answer and OK); ignored once finished. */
    void finishWith(Runnable lastWrite) {
        if (!finished) {
            endCode = GrpcStatus.OK.name();
            endMessage = null;
        }
        finish(lastWrite);
    }

    private void finish(Runnable lastWrite) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            lastWrite.run();
        } catch (RuntimeException e) {
            // the stream is already gone (reset under our feet): nothing left to tell the client
        } finally {
            close();
        }
    }

    /** Client cancel or connection loss: nothing can be written any more. */
    void reset() {
        if (finished) {
            return;
        }
        finished = true;
        close();
    }

    Future<Void> closed() {
        return closed.future();
    }

    private void close() {
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
        try {
            record.ended(endCode, endMessage);
            onClose.run();
        } finally {
            closed.tryComplete();
        }
    }
}
