package io.scorecam.dockerit;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Copies of a frame that differ from it in one bit of one pixel: as good as the frame for the model, but new to
 * the server's result cache, so a long stream of repeated frames keeps the server busy.
 */
final class FrameVariants {
    private FrameVariants() {
    }

    /** Variant {@code k} (k = 0 is the frame itself) as PNG bytes. */
    static byte[] variant(byte[] png, int k) {
        if (k == 0) {
            return png;
        }
        try {
            BufferedImage src = ImageIO.read(new ByteArrayInputStream(png));
            int w = src.getWidth();
            int h = src.getHeight();
            // plain 24-bit RGB: in a palette or gray image a one-bit change could map back to the same pixel
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            img.getGraphics().drawImage(src, 0, 0, null);
            int x = (k - 1) % w;
            int y = ((k - 1) / w) % h;
            img.setRGB(x, y, img.getRGB(x, y) ^ 1);   // flips the lowest bit of blue
            ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 64);
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
