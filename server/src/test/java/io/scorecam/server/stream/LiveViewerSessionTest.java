package io.scorecam.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live viewer's WebSocket (--web-port) against a controllable engine: frames are answered with the overlay,
 * one frame is in flight and the newest waiting frame wins (a replaced one is answered SKIPPED), and closing the
 * socket mid-frame cancels that frame's engine work and shows in the metrics. The page itself is served too.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
class LiveViewerSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestServer server;
    private Vertx vertx;
    private WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer("--web-port=0");
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void servesThePageAndItsModulesFromTheJar() throws Exception {
        for (String path : new String[] {"/", "/live.js", "/hud.js", "/protocol.js", "/live.css", "/api/models"}) {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.server.webPort() + path)
                    .toURL().openConnection();
            assertEquals(200, c.getResponseCode(), path);
            String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(!body.isEmpty() && !body.contains("https://"), path + " must not load anything from elsewhere");
        }
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.server.webPort() + "/api/models")
                .toURL().openConnection();
        JsonNode models = JSON.readTree(c.getInputStream());
        assertEquals(ControllableExplainer.MODEL, models.get("models").get(0).get("name").asText());
    }

    @Test
    void answersWithTheOverlayAndTheNewestWaitingFrameWins() throws Exception {
        LinkedBlockingQueue<Buffer> answers = new LinkedBlockingQueue<>();
        WebSocket ws = connect(answers);
        ws.writeTextMessage("{\"method\":\"SCORE_CAM\",\"topK\":1}");
        server.explainer.hold = true;
        ws.writeBinaryMessage(frame(1));
        awaitCalls(1);
        ws.writeBinaryMessage(frame(2)); // waits behind frame 1
        ws.writeBinaryMessage(frame(3)); // replaces frame 2, which is answered SKIPPED at once
        JsonNode skipped = json(answers.poll(20, TimeUnit.SECONDS));
        assertEquals(2, skipped.get("frame").asInt());
        assertEquals("SKIPPED", skipped.get("status").asText());
        server.explainer.hold = false;
        server.explainer.release();
        Buffer first = answers.poll(20, TimeUnit.SECONDS);
        JsonNode a1 = json(first);
        assertEquals(1, a1.get("frame").asInt());
        assertEquals("OK", a1.get("status").asText(), a1::toString);
        assertTrue(first.length() > 4 + first.getUnsignedInt(0), "the overlay JPEG follows the JSON");
        JsonNode a3 = json(answers.poll(20, TimeUnit.SECONDS));
        assertEquals(3, a3.get("frame").asInt());
        assertEquals("OK", a3.get("status").asText());
        assertEquals(2, server.explainer.calls.get(), "the skipped frame never reached the engine");
        ws.close();
    }

    @Test
    void closingTheSocketMidFrameCancelsItsWorkAndTheMetricsShowIt() throws Exception {
        LinkedBlockingQueue<Buffer> answers = new LinkedBlockingQueue<>();
        WebSocket ws = connect(answers);
        long opened = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gauge(ServerMetrics.LIVE_SESSIONS_OPEN) < 1 && System.nanoTime() < opened) {
            Thread.sleep(5); // the server counts the session on its own event loop
        }
        assertEquals(1.0, gauge(ServerMetrics.LIVE_SESSIONS_OPEN), 0.0);
        server.explainer.hold = true;
        ws.writeBinaryMessage(frame(7));
        awaitCalls(1);
        CancellationToken token = server.explainer.tokens.peek();
        assertNotNull(token);
        assertTrue(!token.isCancelled());
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!token.isCancelled() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(token.isCancelled(), "the closed viewer's frame is cancelled in the engine");
        while (gauge(ServerMetrics.LIVE_SESSIONS_OPEN) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0.0, gauge(ServerMetrics.LIVE_SESSIONS_OPEN), 0.0);
        assertEquals(1.0, server.registry.get(ServerMetrics.LIVE_SESSIONS_CLOSED).counter().count(), 0.0);
        assertEquals(1.0, server.registry.get(ServerMetrics.LIVE_FRAMES_CANCELLED).counter().count(), 0.0);
        assertTrue(server.registry.scrape().contains("scorecam_live_frames_cancelled_total 1.0"));
        server.explainer.release();
    }

    @Test
    void badSettingsAreRefusedWithTheReason() throws Exception {
        LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        WebSocket ws = client.connect(server.server.webPort(), "127.0.0.1", "/live")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(texts::add);
        ws.writeTextMessage("{\"method\":\"GRADCAM\"}");
        JsonNode r = JSON.readTree(texts.poll(10, TimeUnit.SECONDS));
        assertEquals(false, r.get("ok").asBoolean());
        assertTrue(r.get("error").asText().contains("GRADCAM"), r::toString);
        ws.close();
    }

    private WebSocket connect(LinkedBlockingQueue<Buffer> answers) throws Exception {
        WebSocket ws = client.connect(server.server.webPort(), "127.0.0.1", "/live")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.binaryMessageHandler(answers::add);
        return ws;
    }

    private void awaitCalls(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.explainer.calls.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, server.explainer.calls.get());
    }

    private double gauge(String name) {
        return server.registry.get(name).gauge().value();
    }

    private static JsonNode json(Buffer b) throws Exception {
        assertNotNull(b, "no answer");
        int n = (int) b.getUnsignedInt(0);
        return JSON.readTree(b.getString(4, 4 + n, "UTF-8"));
    }

    /** [u32 id][PNG of a 4x4 frame whose first 8 RGB bytes are the id] (what ControllableExplainer reads). */
    private static Buffer frame(long id) throws Exception {
        byte[] px = ByteBuffer.allocate(4 * 4 * 3).putLong(0, id).array();
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 16; i++) {
            img.setRGB(i % 4, i / 4, ((px[3 * i] & 0xFF) << 16) | ((px[3 * i + 1] & 0xFF) << 8) | (px[3 * i + 2] & 0xFF));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return Buffer.buffer().appendUnsignedInt(id).appendBytes(out.toByteArray());
    }
}
