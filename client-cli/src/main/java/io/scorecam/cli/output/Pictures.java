package io.scorecam.cli.output;

import io.scorecam.server.image.RgbImage;

/** Small RGB picture helpers of --out-video: two pictures side by side, padding, fitting to the video's size. */
final class Pictures {
    private Pictures() {
    }

    /** {@code left} then {@code right}, top-aligned, on black; as tall as the taller one. */
    static RgbImage sideBySide(RgbImage left, RgbImage right) {
        int w = left.width() + right.width();
        int h = Math.max(left.height(), right.height());
        byte[] out = new byte[w * h * 3];
        blit(left, out, w, 0);
        blit(right, out, w, left.width());
        return new RgbImage(w, h, out);
    }

    /** {@code image} with {@code extra} black columns on its right. */
    static RgbImage padRight(RgbImage image, int extra) {
        if (extra <= 0) {
            return image;
        }
        int w = image.width() + extra;
        byte[] out = new byte[w * image.height() * 3];
        blit(image, out, w, 0);
        return new RgbImage(w, image.height(), out);
    }

    /** Nearest-neighbour resize to w x h (a no-op at the same size: every frame of a video source). */
    static RgbImage fit(RgbImage image, int w, int h) {
        if (image.width() == w && image.height() == h) {
            return image;
        }
        byte[] src = image.rgb();
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            int sy = (int) ((long) y * image.height() / h);
            for (int x = 0; x < w; x++) {
                int sx = (int) ((long) x * image.width() / w);
                System.arraycopy(src, (sy * image.width() + sx) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static void blit(RgbImage image, byte[] out, int outWidth, int x0) {
        int row = image.width() * 3;
        for (int y = 0; y < image.height(); y++) {
            System.arraycopy(image.rgb(), y * row, out, (y * outWidth + x0) * 3, row);
        }
    }
}
