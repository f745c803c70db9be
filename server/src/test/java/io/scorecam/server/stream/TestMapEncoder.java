package io.scorecam.server.stream;

import io.scorecam.server.image.RgbImage;

import java.nio.charset.StandardCharsets;

/** TEST ONLY: marks which payload was asked for, and at what size, so tests can check the want_* flags. */
final class TestMapEncoder implements MapEncoder {
    @Override
    public byte[] png(float[] values, int width, int height) {
        return ("png " + width + "x" + height).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] overlayJpeg(RgbImage frame, float[] values, int width, int height) {
        return ("jpeg " + frame.width() + "x" + frame.height()).getBytes(StandardCharsets.US_ASCII);
    }
}
