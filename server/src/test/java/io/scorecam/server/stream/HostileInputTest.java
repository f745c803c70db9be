package io.scorecam.server.stream;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad frame gets an ERROR response naming the problem, and the stream goes on. */
class HostileInputTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer("--max-pixels=400");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Sends the bad frame then a good one on one stream; returns the bad frame's response. */
    private static ExplainResponse badThenGood(ExplainRequest bad) throws Exception {
        Collector c = new Collector();
        StreamObserver<ExplainRequest> out = server.async().explainStream(c);
        out.onNext(bad.toBuilder().setFrameId(1).build());
        out.onNext(Frames.frame(2).build());
        out.onCompleted();
        assertEquals(Status.Code.OK, c.await().getCode(), "a bad frame must not end the stream");
        assertEquals(2, c.responses.size());
        ExplainResponse good = c.responses.get(1);
        assertEquals(2, good.getFrameId());
        assertEquals(FrameStatus.OK, good.getStatus(), "the frame after a bad one is served");
        ExplainResponse r = c.responses.get(0);
        assertEquals(1, r.getFrameId());
        assertEquals(FrameStatus.ERROR, r.getStatus());
        return r;
    }

    private static void assertError(ExplainResponse r, String code, String... words) {
        assertEquals(code, r.getErrorCode(), r.getErrorMessage());
        for (String w : words) {
            assertTrue(r.getErrorMessage().contains(w), "'" + r.getErrorMessage() + "' should mention '" + w + "'");
        }
    }

    private static byte[] png(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0x123456);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static ExplainRequest encoded(byte[] bytes) {
        return ExplainRequest.newBuilder().setEncoded(ByteString.copyFrom(bytes)).build();
    }

    private static ExplainRequest raw(int w, int h, PixelFormat f, int bytes) {
        return ExplainRequest.newBuilder().setRaw(RawImage.newBuilder().setWidth(w).setHeight(h).setFormat(f)
                .setPixels(ByteString.copyFrom(new byte[bytes]))).build();
    }

    @Test
    void corruptImage() throws Exception {
        byte[] junk = "this is not an image at all, just text".getBytes();
        assertError(badThenGood(encoded(junk)), "INVALID_ARGUMENT");
    }

    @Test
    void truncatedImage() throws Exception {
        byte[] full = png(16, 16);
        assertError(badThenGood(encoded(Arrays.copyOf(full, full.length / 2))), "INVALID_ARGUMENT", "PNG");
    }

    @Test
    void zeroByZeroRaw() throws Exception {
        assertError(badThenGood(raw(0, 0, PixelFormat.RGB8, 0)), "INVALID_ARGUMENT", "0x0");
    }

    @Test
    void rawSizeMismatch() throws Exception {
        assertError(badThenGood(raw(4, 4, PixelFormat.RGB8, 47)), "INVALID_ARGUMENT", "48", "47");
    }

    @Test
    void rawWithoutFormat() throws Exception {
        assertError(badThenGood(raw(2, 2, PixelFormat.PIXEL_FORMAT_UNSPECIFIED, 12)), "INVALID_ARGUMENT", "format");
    }

    @Test
    void moreThanMaxPixelsRejectedFromTheHeader() throws Exception {
        assertError(badThenGood(encoded(png(21, 20))), "RESOURCE_EXHAUSTED", "420");
        assertError(badThenGood(raw(30, 30, PixelFormat.GRAY8, 900)), "RESOURCE_EXHAUSTED", "900");
    }

    @Test
    void noImage() throws Exception {
        assertError(badThenGood(ExplainRequest.newBuilder().build()), "INVALID_ARGUMENT", "no image");
    }

    @Test
    void classIdOutOfRange() throws Exception {
        assertError(badThenGood(Frames.frame(1).addTargetClasses(12).build()), "INVALID_ARGUMENT", "class id 12");
    }

    @Test
    void unknownModel() throws Exception {
        assertError(badThenGood(Frames.frame(1).setModel("nope").build()), "NOT_FOUND", "nope");
    }

    @Test
    void unknownMethodAndConvention() throws Exception {
        assertError(badThenGood(Frames.frame(1).setMethodValue(99).build()), "INVALID_ARGUMENT", "method 99");
        assertError(badThenGood(Frames.frame(1).setConventionValue(42).build()), "INVALID_ARGUMENT", "convention 42");
    }

    @Test
    void unaryCallFailsWithTheFramesCodeAndMessage() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> server.blocking().explain(Frames.frame(1).setModel("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("nope"));
    }
}
