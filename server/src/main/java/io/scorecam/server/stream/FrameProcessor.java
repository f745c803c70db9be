package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.logging.EventLog;
import io.scorecam.server.metrics.FrameLabels;
import io.scorecam.server.metrics.ServerMetrics;
import io.scorecam.server.tracing.CallTrace;
import io.scorecam.server.tracing.FrameSpan;
import io.scorecam.server.tracing.FrameTracer;

import io.vertx.grpc.server.GrpcServerRequest;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * One frame's way through the server: decode (codec thread) -> engine (its workers) -> encode (codec
 * thread). The returned future always completes normally: a failure becomes a response with status ERROR,
 * so a stream never ends because of one bad frame.
 */
final class FrameProcessor {
    private final RequestConverter converter;
    private final ResponseBuilder builder;
    private final Explainer explainer;
    private final Executor codec;
    private final ServerMetrics metrics;
    private final FrameBudget budget;
    private final EventLog events;
    private final FrameTracer tracer;
    private static final FrameBudget.Lease NO_LEASE = () -> { };

    /** A processor without memory admission whose calls are not logged (warm-up). */
    FrameProcessor(RequestConverter converter, ResponseBuilder builder, Explainer explainer, Executor codec,
                  ServerMetrics metrics) {
        this(converter, builder, explainer, codec, metrics, null, null);
    }

    /**
     * @param budget memory admission for frames; null: none
     * @param events where failed frames and ended calls are logged; null: nowhere
     */
    FrameProcessor(RequestConverter converter, ResponseBuilder builder, Explainer explainer, Executor codec,
                  ServerMetrics metrics, FrameBudget budget, EventLog events) {
        this(converter, builder, explainer, codec, metrics, budget, events, FrameTracer.off());
    }

    /** @param tracer where each frame's span goes ({@link FrameTracer#off()}: nowhere) */
    FrameProcessor(RequestConverter converter, ResponseBuilder builder, Explainer explainer, Executor codec,
                  ServerMetrics metrics, FrameBudget budget, EventLog events, FrameTracer tracer) {
        this.tracer = tracer;
        this.events = events;
        this.converter = converter;
        this.builder = builder;
        this.explainer = explainer;
        this.codec = codec;
        this.metrics = metrics;
        this.budget = budget;
    }

    /**
     * @param arrivalNanos when the frame reached the server ({@link System#nanoTime()})
     */
    CompletableFuture<ExplainResponse> process(ExplainRequest request, CancellationToken token, long arrivalNanos) {
        return process(request, token, arrivalNanos, () -> { }, CallRecord.NONE);
    }

    /** The event log's record of a new call (one per stream or unary call). */
    CallRecord record(GrpcServerRequest<?, ?> request, boolean stream) {
        // the trace context comes with the call's metadata, once per call (a stream's frames share it)
        CallTrace trace = tracer.call(request.headers());
        return events == null && !tracer.enabled() ? CallRecord.NONE : CallRecord.of(events, request, stream, trace);
    }

    /**
     * @param workTaken runs once (on any thread) when the engine has taken all of the frame's work (see
     *                  {@link Explainer#explain(FrameRequest, Runnable)}); not at all when the frame fails before
     *                  it reaches the engine: its answer frees its slot anyway
     * @param call      the call the frame belongs to (its failures are logged there)
     */
    CompletableFuture<ExplainResponse> process(ExplainRequest request, CancellationToken token, long arrivalNanos,
                                               Runnable workTaken, CallRecord call) {
        ModelPins once = new ModelPins(explainer); // one frame: it holds its model version until answered
        return process(request, token, arrivalNanos, workTaken, call, once).whenComplete((r, e) -> once.close());
    }

    /** The model versions of a new call (close them when the call ends). */
    ModelPins pins() {
        return new ModelPins(explainer);
    }

    /** @param pins the call's model versions: the frame runs on the version its call first used */
    CompletableFuture<ExplainResponse> process(ExplainRequest request, CancellationToken token, long arrivalNanos,
                                               Runnable workTaken, CallRecord call, ModelPins pins) {
        long startNanos = System.nanoTime();
        FrameLabels labels = converter.labels(request);
        call.arrived(labels);
        FrameSpan span = tracer.frame(call.trace(), call.rpc(), request.getFrameId(), call.id(), arrivalNanos);
        span.labels(labels.model(), labels.method(), labels.convention());
        CompletableFuture<Admitted> admitted;
        try {
            // caps and the memory estimate come from the request and the image header; the frame then waits
            // for its share of the budget without holding a thread
            admitted = CompletableFuture.supplyAsync(() -> {
                if (token.isCancelled()) {
                    throw cancelled(token);
                }
                ModelLease model = pins.pin(request.getModel());
                return new Admitted(model, converter.plan(request, model.description()));
            }, codec).thenCompose(a -> budget == null ? CompletableFuture.completedFuture(a.with(NO_LEASE))
                    : budget.acquire(a.bytes(), "frame " + Long.toUnsignedString(request.getFrameId())).thenApply(a::with));
        } catch (RuntimeException rejected) { // codec pool shut down
            admitted = CompletableFuture.failedFuture(
                    new ScoreCamException(ErrorCode.UNAVAILABLE, "server is shutting down"));
        }
        return admitted.thenComposeAsync(a -> explain(request, a.model(), token, arrivalNanos, startNanos, workTaken, span)
                        .whenComplete((r, e) -> a.memory().close()), codec)
                .exceptionally(e -> errorResponse(request, e, arrivalNanos, startNanos))
                .thenApply(response -> {
                    long totalNanos = System.nanoTime() - arrivalNanos;
                    record(labels, response, totalNanos);
                    call.frameAnswered(labels, response, totalNanos, span.traceId());
                    span.end(response);
                    return response;
                });
    }

    /** Decode, engine, encode; runs on the codec pool once the frame is admitted. */
    /** A frame let in: its model version, its memory estimate and, once granted, its share of the budget. */
    private record Admitted(ModelLease model, long bytes, FrameBudget.Lease memory) {
        Admitted(ModelLease model, long bytes) {
            this(model, bytes, null);
        }

        Admitted with(FrameBudget.Lease memory) {
            return new Admitted(model, bytes, memory);
        }
    }

    private CompletableFuture<ExplainResponse> explain(ExplainRequest request, ModelLease model, CancellationToken token,
                                                       long arrivalNanos, long startNanos, Runnable workTaken,
                                                       FrameSpan span) {
        long t0 = System.nanoTime();
        span.stage("queue", arrivalNanos, t0); // stream window, size plan and memory admission
        if (token.isCancelled()) {
            return CompletableFuture.failedFuture(cancelled(token));
        }
        FrameRequest frame;
        try {
            frame = converter.convert(request, model.description(), token);
        } catch (RuntimeException e) {
            span.stage("decode", t0, System.nanoTime());
            return CompletableFuture.failedFuture(e);
        }
        long t1 = System.nanoTime();
        metrics.stage("decode", t1 - t0);
        span.stage("decode", t0, t1);
        // Async on the codec pool: a plain thenApply would encode on an engine worker (or, for a result that is
        // already done, enter the engine's locks on the calling thread).
        return explainer.explain(model, frame, workTaken, span).thenApplyAsync(result -> {
            double queueMs = (startNanos - arrivalNanos) / 1e6 + result.queueMs();
            double totalMs = (System.nanoTime() - arrivalNanos) / 1e6;
            var timing = new ResponseBuilder.Timing(queueMs, Math.max(0, totalMs - queueMs), totalMs);
            long e0 = System.nanoTime();
            ExplainResponse ok = builder.ok(request, model.description(), frame.image(), result, timing);
            long e1 = System.nanoTime();
            metrics.stage("encode", e1 - e0);
            span.stage("encode", e0, e1);
            return ok;
        }, codec);
    }

    /** Counts a frame dropped under the LATEST policy. */
    void skipped(ExplainRequest request, CallRecord call) {
        FrameLabels labels = converter.labels(request);
        metrics.frameSkipped(labels);
        call.frameSkipped(labels);
    }

    private void record(FrameLabels labels, ExplainResponse response, long totalNanos) {
        if (response.getStatus() == FrameStatus.OK) {
            metrics.frameSucceeded(labels, response.getForwardPasses(), response.getQueueMs(),
                    response.getComputeMs(), totalNanos);
        } else {
            metrics.frameFailed(labels, response.getErrorCode(), totalNanos);
        }
    }

    private static ExplainResponse errorResponse(ExplainRequest request, Throwable e, long arrivalNanos,
                                                 long startNanos) {
        Throwable cause = unwrap(e);
        ErrorCode code;
        String message;
        if (cause instanceof ScoreCamException s) {
            code = s.code();
            message = s.getMessage();
        } else if (cause instanceof CancellationException) {
            code = ErrorCode.CANCELLED;
            message = "frame " + request.getFrameId() + " was cancelled";
        } else {
            code = ErrorCode.INTERNAL;
            message = "internal error on frame " + request.getFrameId() + ": " + cause;
        }
        double totalMs = (System.nanoTime() - arrivalNanos) / 1e6;
        double queueMs = (startNanos - arrivalNanos) / 1e6;
        return ResponseBuilder.error(request.getFrameId(), code, message,
                new ResponseBuilder.Timing(queueMs, Math.max(0, totalMs - queueMs), totalMs));
    }

    private static ScoreCamException cancelled(CancellationToken token) {
        return token.deadlinePassed()
                ? new ScoreCamException(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline passed before the frame was decoded")
                : new ScoreCamException(ErrorCode.CANCELLED, "the call was cancelled before the frame was decoded");
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
