package io.scorecam.server.stream;

import io.scorecam.server.image.RgbImage;

import java.nio.charset.StandardCharsets;

/** TEST ONLY: marks which payload was asked for, and at what size, so tests can check the want_* flags. */
final class TestMapEncoder implements MapEncoder {
    /** PNG payloads are padded to this many bytes, to make responses heavy. */
    volatile int pngBytes;

    @Override
    public byte[] png(float[] values, int width, int height) {
        byte[] tag = ("png " + width + "x" + height).getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(tag, Math.max(tag.length, pngBytes));
    }

    @Override
    public byte[] overlayJpeg(RgbImage frame, float[] values, int width, int height) {
        return ("jpeg " + frame.width() + "x" + frame.height()).getBytes(StandardCharsets.US_ASCII);
    }
}
