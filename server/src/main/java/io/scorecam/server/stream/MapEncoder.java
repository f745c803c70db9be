package io.scorecam.server.stream;

import io.scorecam.server.image.RgbImage;

/**
 * Turns a saliency map into the optional image payloads of a response. Implementations are thread-safe
 * and throw {@link io.scorecam.server.errors.ScoreCamException} when they cannot encode.
 */
public interface MapEncoder {

    /** 8-bit grayscale PNG of {@code values} (row-major, {@code width x height}, in [0,1]). */
    byte[] png(float[] values, int width, int height);

    /** JPEG of the JET-coloured map blended over {@code frame} (the map is resized to the frame). */
    byte[] overlayJpeg(RgbImage frame, float[] values, int width, int height);
}
