package io.scorecam.server.stream;

import com.google.protobuf.ByteString;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;

import java.nio.ByteBuffer;

/** TEST ONLY: requests whose 2x2 RGB raw pixels carry the frame id (read back by ControllableExplainer). */
final class Frames {
    private Frames() {
    }

    static ExplainRequest.Builder frame(long id) {
        return frame(id, 2, 2);
    }

    /** A width x height RGB8 frame (width * height * 3 bytes on the wire, at least 12). */
    static ExplainRequest.Builder frame(long id, int width, int height) {
        byte[] px = ByteBuffer.allocate(width * height * 3).putLong(0, id).array();
        return ExplainRequest.newBuilder()
                .setFrameId(id)
                .setRaw(RawImage.newBuilder().setWidth(width).setHeight(height).setFormat(PixelFormat.RGB8)
                        .setPixels(ByteString.copyFrom(px)));
    }
}
