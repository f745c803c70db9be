package io.scorecam.server.image;

/** A decoded frame: interleaved 8-bit RGB, row-major, no padding (width * height * 3 bytes). */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image must be at least 1x1, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB buffer of " + rgb.length + " bytes does not match "
                    + width + "x" + height + "x3");
        }
    }
}
