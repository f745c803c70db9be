package io.scorecam.dockerit;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The helper the stop test relies on to defeat the server's cache (runs without Docker). */
class FrameVariantsTest {

    @Test
    void eachVariantDiffersFromTheFrameInOneBitOfOnePixel() throws IOException {
        byte[] png = randomPng(new Random(3), 9, 5);
        BufferedImage frame = decode(png);
        assertArrayEquals(png, FrameVariants.variant(png, 0), "variant 0 is the frame itself");
        for (int k : new int[] {1, 2, 9, 10, 46}) {
            BufferedImage v = decode(FrameVariants.variant(png, k));
            assertEquals(frame.getWidth(), v.getWidth());
            assertEquals(frame.getHeight(), v.getHeight());
            int changed = 0;
            int changedAt = -1;
            for (int y = 0; y < v.getHeight(); y++) {
                for (int x = 0; x < v.getWidth(); x++) {
                    int diff = (frame.getRGB(x, y) ^ v.getRGB(x, y)) & 0xFFFFFF;
                    if (diff != 0) {
                        assertEquals(1, diff, "only the lowest blue bit changes");
                        changed++;
                        changedAt = y * v.getWidth() + x;
                    }
                }
            }
            assertEquals(1, changed, "variant " + k);
            assertEquals((k - 1) % 45, changedAt, "variant " + k + " changes its own pixel");
        }
    }

    private static byte[] randomPng(Random rnd, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
