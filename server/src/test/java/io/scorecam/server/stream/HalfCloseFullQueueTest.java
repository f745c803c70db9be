package io.scorecam.server.stream;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that half-closes while the server has stopped reading (its window is full), with n messages
 * queued in Vert.x's gRPC read queue (high-water mark 16). For one n the end-of-stream lands exactly on the
 * mark: Vert.x then pauses an HTTP request that has already ended and the end event used to be lost (the
 * call never ended). Every frame must be answered once and the call must end OK, for every n.
 */
class HalfCloseFullQueueTest {
    private static final String STREAM = "/scorecam.v1.ExplainService/ExplainStream";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void everyFrameAnsweredAndStreamEndsWhateverTheQueueDepthAtHalfClose() throws Exception {
        try (RawH2Client h2 = new RawH2Client(server.server.port())) {
            for (int n = 12; n <= 22; n++) {
                server.explainer.hold = true; // the window fills, the session pauses reading
                RawH2Client.Call c = h2.open(STREAM, false);
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int id = 1; id <= n; id++) {
                    all.write(RawH2Client.grpcFrame(false, Frames.frame(id).build().toByteArray()));
                }
                h2.send(c, all.toByteArray(), false);
                Thread.sleep(100); // the messages are queued and reading is paused ...
                h2.send(c, new byte[0], true); // ... when the client half-closes
                Thread.sleep(100);
                server.explainer.release();
                assertTrue(c.await(10_000), "with " + n + " frames queued at half-close the call must end");
                assertNull(c.resetCode, "n=" + n + ": a status, not a reset");
                assertEquals("0", c.status(), "n=" + n + ": " + c.message());
                var answers = c.messages();
                assertEquals(n, answers.size(), "n=" + n + ": every frame answered once");
                for (int i = 0; i < n; i++) {
                    ExplainResponse r = ExplainResponse.parseFrom(answers.get(i));
                    assertEquals(i + 1, r.getFrameId());
                    assertEquals(FrameStatus.OK, r.getStatus());
                }
            }
        }
    }
}
