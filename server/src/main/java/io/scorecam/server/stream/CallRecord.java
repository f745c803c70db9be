package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.config.LogLevel;
import io.scorecam.server.logging.EventLog;
import io.scorecam.server.metrics.FrameLabels;
import io.scorecam.server.tracing.CallTrace;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the event log says about one Explain call: a {@code frame_failed} line per ERROR answer and a
 * {@code stream_end} (or, at debug, {@code call_end} for unary calls) line when the call is over, with the
 * call's id, peer, model and method (its first frame's) and counts. Frames complete on other threads, so the
 * counts are atomic.
 */
final class CallRecord {
    // before NONE: static fields initialise in order, and every record takes an id
    private static final AtomicLong IDS = new AtomicLong();
    /** For frames outside any call (warm-up): nothing is logged. */
    static final CallRecord NONE = new CallRecord(null, "", "", false, CallTrace.NONE);

    private final EventLog log;
    private final long id = IDS.incrementAndGet();
    private final String rpc;
    private final String peer;
    private final boolean stream;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private volatile FrameLabels labels;
    private final CallTrace trace;
    /** Extra fields of the stream_end line (LATEST's overlap measurements); empty by default. */
    private volatile Supplier<Map<String, Object>> endFields = Map::of;

    private CallRecord(EventLog log, String rpc, String peer, boolean stream, CallTrace trace) {
        this.log = log;
        this.trace = trace;
        this.rpc = rpc;
        this.peer = peer;
        this.stream = stream;
    }

    /**
     * @param log   where the call's lines go; null: nowhere (the record still carries the trace)
     * @param trace the call's trace context, taken from its metadata
     */
    static CallRecord of(EventLog log, GrpcServerRequest<?, ?> request, boolean stream, CallTrace trace) {
        SocketAddress remote = request.connection() == null ? null : request.connection().remoteAddress();
        return new CallRecord(log, request.methodName(), remote == null ? "" : remote.toString(), stream, trace);
    }

    /** The call's id: the stream_id of its event lines and of its frames' spans. */
    long id() {
        return id;
    }

    /** The gRPC method (Explain, ExplainStream). */
    String rpc() {
        return rpc;
    }

    /** The call's trace context (its frames' spans are its children). */
    CallTrace trace() {
        return trace;
    }

    void frameAnswered(FrameLabels frame, ExplainResponse response, long totalNanos) {
        frameAnswered(frame, response, totalNanos, "");
    }

    /** @param traceId the frame's trace (its line carries it, to find the span); empty when not traced */
    void frameAnswered(FrameLabels frame, ExplainResponse response, long totalNanos, String traceId) {
        if (log == null) {
            return;
        }
        first(frame);
        if (response.getStatus() == FrameStatus.OK) {
            ok.incrementAndGet();
            return;
        }
        failed.incrementAndGet();
        LogLevel level = "INTERNAL".equals(response.getErrorCode()) ? LogLevel.ERROR : LogLevel.WARN;
        if (log.enabled(level)) {
            Map<String, Object> f = call();
            f.put("frame_id", Long.toUnsignedString(response.getFrameId()));
            f.put("model", frame.model());
            f.put("method", frame.method());
            f.put("code", response.getErrorCode());
            f.put("message", response.getErrorMessage());
            f.put("duration_ms", millis(totalNanos));
            if (!traceId.isEmpty()) {
                f.put("trace_id", traceId);
            }
            log.write(level, "frame_failed", f);
        }
    }

    void frameSkipped(FrameLabels frame) {
        if (log != null) {
            first(frame);
            skipped.incrementAndGet();
        }
    }

    /** Fields the stream_end line adds, read when the call ends (e.g. how LATEST overlapped its frames). */
    void endFields(Supplier<Map<String, Object>> fields) {
        endFields = fields;
    }

    /** The call is over with {@code code} (a gRPC code name) and, unless OK, its status message. */
    void ended(String code, String message) {
        if (log == null) {
            return;
        }
        boolean clean = "OK".equals(code) || "CANCELLED".equals(code);
        LogLevel level = !stream ? LogLevel.DEBUG : clean ? LogLevel.INFO : LogLevel.WARN;
        if (!log.enabled(level)) {
            return;
        }
        FrameLabels l = labels;
        Map<String, Object> f = call();
        f.put("model", l == null ? "" : l.model());
        f.put("method", l == null ? "" : l.method());
        f.put("code", code);
        f.put("message", message == null ? "" : message);
        f.put("frames", ok.get() + failed.get() + skipped.get());
        f.put("frames_ok", ok.get());
        f.put("frames_failed", failed.get());
        f.put("frames_skipped", skipped.get());
        f.put("duration_ms", millis(System.nanoTime() - startNanos));
        f.putAll(endFields.get());
        log.write(level, stream ? "stream_end" : "call_end", f);
    }

    /** A frame of the call started: the call's model and method are its first frame's. */
    void arrived(FrameLabels frame) {
        if (log != null) {
            first(frame);
        }
    }

    private void first(FrameLabels frame) {
        if (labels == null) {
            labels = frame;
        }
    }

    private Map<String, Object> call() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("stream_id", id);
        f.put("rpc", rpc);
        f.put("peer", peer);
        return f;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
