package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ListModelsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in the transport (issue 16 items 5-7): every frame read before the fault is answered, then the
 * call ends with a status that names the fault; other calls on the same connection go on.
 */
class TransportFaultTest {
    private static final String STREAM = "/scorecam.v1.ExplainService/ExplainStream";
    private static final String LIST = "/scorecam.v1.ExplainService/ListModels";
    private static final int LIMIT = 64 * 1024;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer("--max-message-bytes=64KiB");
        server.explainer.delayMs = 50; // frames are still in flight when the fault arrives
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static RawH2Client raw() throws InterruptedException {
        return new RawH2Client(server.server.port());
    }

    private static byte[] frame(long id) {
        return RawH2Client.grpcFrame(false, Frames.frame(id).build().toByteArray());
    }

    private static List<ExplainResponse> responses(RawH2Client.Call c) throws Exception {
        List<ExplainResponse> out = new java.util.ArrayList<>();
        for (byte[] m : c.messages()) {
            out.add(ExplainResponse.parseFrom(m));
        }
        return out;
    }

    private static void assertAnswered(List<ExplainResponse> rs, int count) {
        assertEquals(count, rs.size(), "every frame read before the fault is answered");
        for (int i = 0; i < count; i++) {
            assertEquals(i + 1, rs.get(i).getFrameId());
            assertEquals(FrameStatus.OK, rs.get(i).getStatus());
        }
    }

    private static void assertContains(String text, String... words) {
        for (String w : words) {
            assertTrue(text != null && text.contains(w), "'" + text + "' should mention '" + w + "'");
        }
    }

    @Test
    void oversizeMessageAfterTwoFramesAnswersBothThenResourceExhausted() throws Exception {
        Collector c = new Collector();
        StreamObserver<ExplainRequest> out = server.async().explainStream(c);
        out.onNext(Frames.frame(1).build());
        out.onNext(Frames.frame(2).build());
        out.onNext(Frames.frame(3, 200, 200).build()); // 120 KB > 64 KiB
        Status s = c.await();
        assertEquals(List.of(1L, 2L), c.responses.stream().map(ExplainResponse::getFrameId).toList(),
                "both frames read before the oversize one are answered");
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode(), String.valueOf(s));
        assertContains(s.getDescription(), "message 3", String.valueOf(LIMIT), "--max-message-bytes");
    }

    @Test
    void aRawFrameMayArriveInOneDataFrame() throws Exception {
        try (RawH2Client h2 = raw()) {
            // the server lets a client send up to --http2-max-frame-size per DATA frame (HTTP/2's default is 16 KiB)
            assertEquals(1 << 20, h2.serverSettings(5000).maxFrameSize(), "the server's SETTINGS_MAX_FRAME_SIZE");
            RawH2Client.Call c = h2.open(STREAM, false);
            byte[] big = RawH2Client.grpcFrame(false, Frames.frame(5, 96, 96).build().toByteArray());
            assertTrue(big.length > 16384 && big.length < LIMIT, big.length + " bytes");
            h2.send(c, big, true); // one DATA frame: netty's encoder splits only at the server's maximum
            assertTrue(c.await(10_000), "no answer");
            assertEquals("0", c.status(), c.message());
            assertEquals(5, responses(c).get(0).getFrameId());
        }
    }

    @Test
    void malformedProtobufAnswersEarlierFramesThenInvalidArgument() throws Exception {
        try (RawH2Client h2 = raw()) {
            RawH2Client.Call c = h2.open(STREAM, false);
            h2.send(c, frame(1), false);
            h2.send(c, RawH2Client.grpcFrame(false, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}), false);
            assertTrue(c.await(10_000), "the call must end");
            assertNull(c.resetCode, "a status, not a bare RST_STREAM");
            assertEquals("3", c.status(), c.message()); // INVALID_ARGUMENT
            assertContains(c.message(), "message 2", "not a valid ExplainRequest");
            assertAnswered(responses(c), 1);
        }
    }

    @Test
    void compressedFlagWithoutGrpcEncodingIsNamedInsteadOfHanging() throws Exception {
        try (RawH2Client h2 = raw()) {
            RawH2Client.Call c = h2.open(STREAM, false);
            h2.send(c, frame(1), false);
            h2.send(c, RawH2Client.grpcFrame(true, Frames.frame(2).build().toByteArray()), true);
            assertTrue(c.await(10_000), "the call hung");
            assertEquals("13", c.status(), c.message()); // INTERNAL, as grpc-java answers a protocol error
            assertContains(c.message(), "message 2", "compressed flag", "grpc-encoding");
            assertAnswered(responses(c), 1);
        }
    }

    @Test
    void unknownGrpcEncodingIsUnimplemented() throws Exception {
        try (RawH2Client h2 = raw()) {
            RawH2Client.Call c = h2.open(STREAM, false, "grpc-encoding", "snappy-x");
            h2.send(c, frame(1), false);
            h2.send(c, RawH2Client.grpcFrame(true, new byte[]{1, 2, 3}), true);
            assertTrue(c.await(10_000));
            assertEquals("12", c.status(), c.message()); // UNIMPLEMENTED
            assertContains(c.message(), "snappy-x", "gzip");
            assertEquals("gzip,identity", String.valueOf(c.headers.get("grpc-accept-encoding")));
        }
    }

    @Test
    void gzipWorksAndIsBoundedWhileInflating() throws Exception {
        // a small gzip frame is served like any other
        ExplainResponse ok = server.blocking().withCompression("gzip").explain(Frames.frame(7).build());
        assertEquals(7, ok.getFrameId());

        // a bomb: 64 MiB of zeros in ~65 KB, above the 64 KiB limit once inflated, below it on the wire
        byte[] bomb = gzip(Frames.frame(3).build().toByteArray(), 64 << 20);
        assertTrue(bomb.length < LIMIT, "bomb is " + bomb.length + " bytes on the wire");
        try (RawH2Client h2 = raw()) {
            RawH2Client.Call c = h2.open(STREAM, false, "grpc-encoding", "gzip");
            h2.send(c, RawH2Client.grpcFrame(true, gzip(Frames.frame(1).build().toByteArray(), 0)), false);
            h2.send(c, frame(2), false);
            h2.send(c, RawH2Client.grpcFrame(true, bomb), true);
            assertTrue(c.await(10_000));
            assertEquals("8", c.status(), c.message()); // RESOURCE_EXHAUSTED
            assertContains(c.message(), "message 3", "inflates to more than", String.valueOf(LIMIT), "--max-message-bytes");
            assertAnswered(responses(c), 2);
        }
    }

    /** {@code message} followed by {@code zeros} zero bytes (an unknown-field-free padding is not needed: it never parses). */
    private static byte[] gzip(byte[] message, int zeros) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes, 1 << 16)) {
            z.write(message);
            byte[] block = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= block.length) {
                z.write(block, 0, Math.min(left, block.length));
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void listModelsWithNoneOrTwoRequestMessagesIsInvalidArgument() throws Exception {
        try (RawH2Client h2 = raw()) {
            RawH2Client.Call none = h2.open(LIST, true);
            assertTrue(none.await(10_000), "ListModels without a message hung");
            assertEquals("3", none.status(), none.message());
            assertContains(none.message(), "exactly one", "none");

            RawH2Client.Call two = h2.open(LIST, false);
            byte[] msg = RawH2Client.grpcFrame(false, ListModelsRequest.getDefaultInstance().toByteArray());
            h2.send(two, msg, false);
            h2.send(two, msg, true);
            assertTrue(two.await(10_000));
            assertEquals("3", two.status(), two.message());
            assertContains(two.message(), "exactly one", "second");

            RawH2Client.Call one = h2.open(LIST, false);
            h2.send(one, msg, true);
            assertTrue(one.await(10_000));
            assertEquals("0", one.status(), one.message());
            assertEquals(1, ListModelsResponse.parseFrom(one.messages().get(0)).getModelsCount());
        }
    }

    @Test
    void hugeGrpcTimeoutsDoNotOverflowIntoAnImmediateDeadline() throws Exception {
        for (String timeout : new String[]{"2562048H", "99999999H", "99999999M"}) {
            try (RawH2Client h2 = raw()) {
                RawH2Client.Call c = h2.open(STREAM, false, "grpc-timeout", timeout);
                h2.send(c, frame(1), false);
                h2.send(c, frame(2), true);
                assertTrue(c.await(10_000));
                assertEquals("0", c.status(), timeout + ": " + c.message());
                assertAnswered(responses(c), 2);
            }
        }
    }

    @Test
    void aHugeHeaderFailsOnlyThatCallNotTheConnection() throws Exception {
        try (RawH2Client h2 = raw()) {
            RawH2Client.Call other = h2.open(LIST, false); // open on the same connection, answered later
            RawH2Client.Call big = h2.open(LIST, true, "x-big", "a".repeat(15_000));
            assertTrue(big.await(10_000));
            assertEquals("8", big.status(), big.message() + " reset " + big.resetCode); // RESOURCE_EXHAUSTED
            assertContains(big.message(), "headers", "8192", "--max-header-bytes");

            h2.send(other, RawH2Client.grpcFrame(false, ListModelsRequest.getDefaultInstance().toByteArray()), true);
            assertTrue(other.await(10_000));
            assertEquals("0", other.status(), other.message() + " GOAWAY " + h2.goAway);
            assertTrue(h2.connectionOpen(), "GOAWAY: the whole connection was closed");
        }
    }

    @Test
    void aHugeModelNameIsCutShortInTheErrorAndStaysNotFound() {
        String name = "m".repeat(9000);
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> server.blocking().explain(Frames.frame(1).setModel(name).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), String.valueOf(e.getStatus()));
        String d = e.getStatus().getDescription();
        assertTrue(d.length() < 2200, "message of " + d.length() + " characters");
        // the name is cut where it is quoted (errors/Echo), before the whole message's own cap
        assertContains(d, "unknown model 'mmm", "9000 characters");
    }
}
