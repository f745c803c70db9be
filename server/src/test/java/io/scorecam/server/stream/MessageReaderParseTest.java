package io.scorecam.server.stream;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.Unpooled;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.RawImage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link MessageReader#parseShared}: a frame's pixels share the received payload instead of being copied. */
class MessageReaderParseTest {

    private static final byte[] PIXELS = pixels(48 * 32 * 3);

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7 + 1);
        }
        return p;
    }

    private static ExplainRequest request() {
        return ExplainRequest.newBuilder().setModel("any").setFrameId(41)
                .setRaw(RawImage.newBuilder().setWidth(48).setHeight(32).setPixels(ByteString.copyFrom(PIXELS)))
                .build();
    }

    /** Where the pixels start in the serialized message. */
    private static int pixelOffset(byte[] message) {
        for (int i = 0; i + PIXELS.length <= message.length; i++) {
            if (Arrays.equals(message, i, i + PIXELS.length, PIXELS, 0, PIXELS.length)) {
                return i;
            }
        }
        throw new AssertionError("pixels not found");
    }

    @Test
    void theDeframersSliceIsParsedInPlaceAndThePixelsShareItsArray() throws Exception {
        byte[] message = request().toByteArray();
        // as Vert.x's deframer hands it over: a slice after the 5-byte gRPC prefix of one heap buffer
        byte[] wire = new byte[5 + message.length + 9];
        System.arraycopy(message, 0, wire, 5, message.length);
        Buffer received = BufferInternal.buffer(Unpooled.wrappedBuffer(wire));
        Buffer payload = received.slice(5, 5 + message.length);

        ExplainRequest parsed = MessageReader.parseShared(ExplainRequest.parser(), payload);
        assertEquals(request(), parsed);

        // the pixels are a view of the received array, not a copy of it
        int at = 5 + pixelOffset(message);
        wire[at] = (byte) (wire[at] + 1);
        assertEquals((byte) (PIXELS[0] + 1), parsed.getRaw().getPixels().byteAt(0),
                "the parsed pixels were copied out of the payload");
    }

    @Test
    void aDirectBufferIsCopiedOnceAndParsedTheSame() throws Exception {
        byte[] message = request().toByteArray();
        Buffer direct = BufferInternal.buffer(Unpooled.directBuffer(message.length).writeBytes(message));
        assertEquals(request(), MessageReader.parseShared(ExplainRequest.parser(), direct));
    }

    @Test
    void garbageIsStillRefused() {
        byte[] message = request().toByteArray();
        byte[] cut = Arrays.copyOf(message, message.length - 10);
        assertThrows(InvalidProtocolBufferException.class,
                () -> MessageReader.parseShared(ExplainRequest.parser(), Buffer.buffer(cut)));
        // an end-group tag where the message should end
        byte[] endGroup = Arrays.copyOf(message, message.length + 1);
        endGroup[message.length] = 0x0C;
        assertThrows(InvalidProtocolBufferException.class,
                () -> MessageReader.parseShared(ExplainRequest.parser(), Buffer.buffer(endGroup)));
    }
}
