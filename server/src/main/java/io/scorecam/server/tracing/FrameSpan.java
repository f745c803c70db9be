package io.scorecam.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.batching.BatchRun;
import io.scorecam.server.engine.api.FrameTrace;

import java.util.concurrent.TimeUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One frame's {@code scorecam.frame} span and its children. Steps are reported after they ran, with their
 * {@link System#nanoTime()} bounds, from any thread: each becomes a child span with those times (converted to
 * the epoch through one anchor taken when the frame arrived, so the children line up with the parent).
 */
public final class FrameSpan implements FrameTrace {
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("scorecam.model");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("scorecam.method");
    static final AttributeKey<String> CONVENTION = AttributeKey.stringKey("scorecam.convention");
    static final AttributeKey<Long> FRAME_ID = AttributeKey.longKey("scorecam.frame_id");
    static final AttributeKey<Long> STREAM_ID = AttributeKey.longKey("scorecam.stream_id");
    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<Long> GRPC_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("scorecam.error_code");
    static final AttributeKey<Long> FORWARD_PASSES = AttributeKey.longKey("scorecam.forward_passes");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("scorecam.cache_hit");
    static final AttributeKey<Double> QUEUE_MS = AttributeKey.doubleKey("scorecam.queue_ms");
    static final AttributeKey<Double> COMPUTE_MS = AttributeKey.doubleKey("scorecam.compute_ms");
    static final AttributeKey<Long> BATCHES = AttributeKey.longKey("scorecam.batches");
    static final AttributeKey<String> BATCH_KIND = AttributeKey.stringKey("scorecam.batch.kind");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("scorecam.batch.count");
    static final AttributeKey<List<Long>> BATCH_IDS = AttributeKey.longArrayKey("scorecam.batch.ids");
    static final AttributeKey<Long> BATCH_MAX_SIZE = AttributeKey.longKey("scorecam.batch.max_size");
    static final AttributeKey<Long> BATCH_ITEMS = AttributeKey.longKey("scorecam.batch.frame_items");
    static final AttributeKey<Double> BATCH_WAIT_MS = AttributeKey.doubleKey("scorecam.batch.queue_wait_ms");
    static final AttributeKey<Double> BATCH_RUN_MS = AttributeKey.doubleKey("scorecam.batch.run_ms");

    /** Tracing off or the frame not sampled: records nothing. */
    static final FrameSpan NONE = new FrameSpan(null, null, 0, 0);

    private final Tracer tracer;
    private final Span span;
    private final Context context;
    private final long anchorEpochNanos;
    private final long anchorNanos;
    /** Per step name, the batches its items rode in (insertion order: feature_pass before scoring). */
    private final Map<String, BatchStep> steps = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    private FrameSpan(Tracer tracer, Span span, long anchorEpochNanos, long anchorNanos) {
        this.tracer = tracer;
        this.span = span;
        this.context = span == null ? null : Context.root().with(span);
        this.anchorEpochNanos = anchorEpochNanos;
        this.anchorNanos = anchorNanos;
    }

    /** Starts the frame span at {@code arrivalNanos} under the call's context; NONE if it is not sampled. */
    static FrameSpan start(Tracer tracer, CallTrace call, String rpc, long frameId, long streamId, long arrivalNanos) {
        java.time.Instant wall = java.time.Instant.now();
        long now = System.nanoTime();
        long epochNow = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        long arrivalEpoch = epochNow - (now - arrivalNanos);
        Span span = tracer.spanBuilder("scorecam.frame").setParent(call.parent).setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(arrivalEpoch, TimeUnit.NANOSECONDS)
                .setAttribute(RPC_SYSTEM, "grpc")
                .setAttribute(RPC_SERVICE, "scorecam.v1.ExplainService")
                .setAttribute(RPC_METHOD, rpc)
                .setAttribute(FRAME_ID, frameId)
                .setAttribute(STREAM_ID, streamId)
                .startSpan();
        if (!span.isRecording()) {
            return NONE; // not sampled: its children would not be either
        }
        return new FrameSpan(tracer, span, epochNow, now);
    }

    @Override
    public boolean recording() {
        return span != null;
    }

    /** The frame's trace id (32 hex digits), or "" when it is not traced. */
    public String traceId() {
        return span == null ? "" : span.getSpanContext().getTraceId();
    }

    /** The frame's model, method and convention (after the model's defaults). */
    public void labels(String model, String method, String convention) {
        if (span != null) {
            span.setAttribute(MODEL, model);
            span.setAttribute(METHOD, method);
            span.setAttribute(CONVENTION, convention);
        }
    }

    @Override
    public void stage(String name, long startNanos, long endNanos) {
        if (span != null) {
            child(name, startNanos).end(epoch(endNanos), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A batch that carried some of this frame's items: gathered into the step's one span (see
     * {@link BatchStep}). A batch shared by several frames shows in each frame's step span, under the same
     * id in {@code scorecam.batch.ids}: every frame's trace shows its whole path, and no batch trace exists
     * without a frame to sample it.
     */
    @Override
    public void batch(String name, BatchRun run) {
        if (span == null) {
            return;
        }
        BatchStep step = steps.computeIfAbsent(name, BatchStep::new);
        step.add(run);
    }

    /** The frame is answered: its outcome goes on the span, which ends now. */
    public void end(ExplainResponse response) {
        if (span == null) {
            return;
        }
        long batches = 0;
        List<BatchStep> done;
        synchronized (steps) {
            done = List.copyOf(steps.values());
        }
        for (BatchStep step : done) {
            batches += endStep(step.summary());
        }
        span.setAttribute(BATCHES, batches);
        span.setAttribute(QUEUE_MS, (double) response.getQueueMs());
        span.setAttribute(COMPUTE_MS, (double) response.getComputeMs());
        if (response.getStatus() == FrameStatus.OK) {
            span.setAttribute(FORWARD_PASSES, (long) response.getForwardPasses());
            span.setAttribute(CACHE_HIT, response.getForwardPasses() == 0);
        } else {
            span.setAttribute(ERROR_CODE, response.getErrorCode());
            span.setAttribute(GRPC_CODE, (long) grpcCode(response.getErrorCode()));
            span.setStatus(StatusCode.ERROR, response.getErrorMessage());
        }
        span.end(epoch(System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The step's span: from its items' queueing to its last batch's end; returns its batch count. */
    private int endStep(BatchStep.Summary step) {
        Span b = child(step.name(), step.enqueuedNanos());
        b.setAttribute(BATCH_KIND, step.kind());
        b.setAttribute(BATCH_COUNT, (long) step.batches());
        b.setAttribute(BATCH_ITEMS, step.items());
        b.setAttribute(BATCH_MAX_SIZE, (long) step.maxSize());
        b.setAttribute(BATCH_WAIT_MS, Math.max(0, step.firstStartNanos() - step.enqueuedNanos()) / 1e6);
        b.setAttribute(BATCH_RUN_MS, step.runNanos() / 1e6);
        b.setAttribute(BATCH_IDS, step.ids());
        b.addEvent("first batch started", epoch(step.firstStartNanos()), TimeUnit.NANOSECONDS);
        if (step.failure() != null) {
            b.setStatus(StatusCode.ERROR, String.valueOf(step.failure().getMessage()));
        }
        b.end(epoch(step.lastEndNanos()), TimeUnit.NANOSECONDS);
        return step.batches();
    }

    private Span child(String name, long startNanos) {
        return tracer.spanBuilder(name).setParent(context).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(epoch(startNanos), TimeUnit.NANOSECONDS).startSpan();
    }

    private long epoch(long nanos) {
        return anchorEpochNanos + (nanos - anchorNanos);
    }

    /** The numeric gRPC status of an error code name (as in rpc.grpc.status_code); 2 (UNKNOWN) otherwise. */
    static int grpcCode(String name) {
        return switch (name) {
            case "CANCELLED" -> 1;
            case "INVALID_ARGUMENT" -> 3;
            case "DEADLINE_EXCEEDED" -> 4;
            case "NOT_FOUND" -> 5;
            case "RESOURCE_EXHAUSTED" -> 8;
            case "FAILED_PRECONDITION" -> 9;
            case "INTERNAL" -> 13;
            case "UNAVAILABLE" -> 14;
            default -> 2;
        };
    }
}
