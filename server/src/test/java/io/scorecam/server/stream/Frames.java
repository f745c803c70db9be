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
        byte[] px = ByteBuffer.allocate(12).putLong(0, id).array();
        return ExplainRequest.newBuilder()
                .setFrameId(id)
                .setRaw(RawImage.newBuilder().setWidth(2).setHeight(2).setFormat(PixelFormat.RGB8)
                        .setPixels(ByteString.copyFrom(px)));
    }
}
