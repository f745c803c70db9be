package io.scorecam.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.UnsafeByteOperations;
import io.scorecam.api.v1.ClassScore;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;

/**
 * One browser viewer on its WebSocket, on the socket's event loop. Text messages are settings
 * ({@link LiveSettings}); binary messages are frames, {@code [u32 frame id][JPEG or PNG bytes]}. One frame is
 * explained at a time and the newest waiting frame wins (like a stream's LATEST policy): a frame replaced
 * before its turn is answered SKIPPED. Each answer is {@code [u32 JSON length][JSON][overlay JPEG of the first
 * map]}. When the socket closes (tab closed, connection lost), the frame in flight is cancelled so the engine
 * drops its queued work, and the metrics count it.
 */
final class LiveSession {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerWebSocket socket;
    private final Context ctx;
    private final LiveBackend backend;
    private final ServerMetrics metrics;
    private final int maxFrameBytes;
    private ExplainRequest template = LiveSettings.defaults();
    private CancellationToken inFlight;
    private Waiting waiting;
    private boolean closed;

    private record Waiting(long id, Buffer image) {
    }

    LiveSession(ServerWebSocket socket, Context ctx, LiveBackend backend, ServerMetrics metrics, int maxFrameBytes) {
        this.socket = socket;
        this.ctx = ctx;
        this.backend = backend;
        this.metrics = metrics;
        this.maxFrameBytes = maxFrameBytes;
    }

    void start() {
        metrics.liveSessionOpened();
        socket.textMessageHandler(this::onSettings);
        socket.binaryMessageHandler(this::onFrame);
        socket.exceptionHandler(e -> onClose());
    }

    private void onSettings(String text) {
        try {
            template = LiveSettings.parse(text);
            socket.writeTextMessage("{\"type\":\"settings\",\"ok\":true}");
        } catch (IllegalArgumentException e) {
            ObjectNode n = JSON.createObjectNode().put("type", "settings").put("ok", false).put("error", e.getMessage());
            socket.writeTextMessage(n.toString());
        }
    }

    private void onFrame(Buffer message) {
        if (closed) {
            return;
        }
        if (message.length() < 5 || message.length() > maxFrameBytes + 4) {
            answerError(message.length() >= 4 ? message.getUnsignedInt(0) : 0, "INVALID_ARGUMENT",
                    "a frame message is [u32 frame id][image bytes] of at most " + maxFrameBytes + " bytes, got "
                            + message.length());
            return;
        }
        long id = message.getUnsignedInt(0);
        Buffer image = message.slice(4, message.length());
        if (inFlight == null) {
            submit(id, image);
            return;
        }
        if (waiting != null) {
            answerSkipped(waiting.id());
        }
        waiting = new Waiting(id, image);
    }

    private void submit(long id, Buffer image) {
        CancellationToken token = new CancellationToken(Long.MAX_VALUE);
        inFlight = token;
        ExplainRequest request = template.toBuilder().setFrameId(id)
                .setEncoded(UnsafeByteOperations.unsafeWrap(image.getBytes())).build();
        long sent = System.nanoTime();
        backend.explain(request, token).whenComplete((response, err) -> ctx.runOnContext(v -> {
            if (inFlight != token) {
                return; // the session closed meanwhile
            }
            inFlight = null;
            if (!closed) {
                answer(response, err, (System.nanoTime() - sent) / 1e6);
                Waiting next = waiting;
                waiting = null;
                if (next != null) {
                    submit(next.id(), next.image());
                }
            }
        }));
    }

    private void answer(ExplainResponse r, Throwable err, double serverMs) {
        if (r == null) {
            answerError(0, "INTERNAL", "internal error: " + err);
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "answer").put("frame", r.getFrameId()).put("status", r.getStatus().name())
                .put("passes", r.getForwardPasses()).put("serverMs", r.getTotalMs()).put("queueMs", r.getQueueMs())
                .put("roundMs", serverMs);
        if (r.getStatus() == FrameStatus.ERROR) {
            n.put("errorCode", r.getErrorCode()).put("error", r.getErrorMessage());
        }
        ArrayNode preds = n.putArray("predictions");
        for (ClassScore c : r.getPredictionsList()) {
            preds.addObject().put("id", c.getClassId()).put("label", c.getLabel()).put("p", c.getProbability());
        }
        ArrayNode maps = n.putArray("maps");
        for (SaliencyMap m : r.getMapsList()) {
            maps.addObject().put("id", m.getClassId()).put("label", m.getLabel()).put("p", m.getProbability())
                    .put("agnostic", m.getClassAgnostic());
        }
        byte[] overlay = r.getMapsCount() > 0 ? r.getMaps(0).getOverlayJpeg().toByteArray() : new byte[0];
        send(n, overlay);
    }

    private void answerSkipped(long id) {
        send(JSON.createObjectNode().put("type", "answer").put("frame", id).put("status", "SKIPPED"), new byte[0]);
    }

    private void answerError(long id, String code, String message) {
        send(JSON.createObjectNode().put("type", "answer").put("frame", id).put("status", "ERROR")
                .put("errorCode", code).put("error", message), new byte[0]);
    }

    private void send(ObjectNode json, byte[] overlay) {
        if (closed) {
            return;
        }
        byte[] head = json.toString().getBytes(StandardCharsets.UTF_8);
        Buffer b = Buffer.buffer(4 + head.length + overlay.length).appendUnsignedInt(head.length)
                .appendBytes(head).appendBytes(overlay);
        socket.writeBinaryMessage(b);
    }

    /** The socket's close handler (installed by the server, which also tracks the session). */
    void closedBySocket() {
        onClose();
    }

    /** Tab closed or connection lost: cancel the frame in flight, drop the waiting one. Idempotent. */
    private void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        int cancelled = 0;
        if (inFlight != null) {
            inFlight.cancel();
            inFlight = null;
            cancelled = 1;
        }
        waiting = null;
        metrics.liveSessionClosed(cancelled);
    }

    /** Server stop: close the socket (its close handler does the rest). */
    void close() {
        ctx.runOnContext(v -> {
            if (!closed) {
                socket.close((short) 1001, "server shutting down");
            }
        });
    }
}
