package io.scorecam.server.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapImagesTest {
    private final ImageDecoder decoder = new ImageDecoder(1 << 24);

    @Test
    void pngDecodesBackToRoundedValues() throws IOException {
        Random random = new Random(11);
        int w = 13, h = 7;
        float[] map = new float[w * h];
        for (int i = 0; i < map.length; i++) {
            map[i] = random.nextFloat();
        }
        map[0] = -0.5f;
        map[1] = 1.7f;
        map[2] = Float.NaN;
        map[3] = 0.5f / 255; // exactly between 0 and 1: Math.round goes up
        byte[] png = MapImages.png(map, w, h);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        for (int i = 4; i < map.length; i++) {
            assertEquals(Math.round(map[i] * 255), img.getRaster().getSample(i % w, i / w, 0), "pixel " + i);
        }
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(255, img.getRaster().getSample(1, 0, 0));
        assertEquals(0, img.getRaster().getSample(2, 0, 0));
        assertEquals(1, img.getRaster().getSample(3, 0, 0));
    }

    @Test
    void overlayFollowsShowCamOnImage() {
        // two pixels: mask 0 (JET blue 0,0,128) and mask 1 (JET dark red 128,0,0)
        RgbImage frame = new RgbImage(2, 1, new byte[] {100, 50, (byte) 200, 10, 20, 30});
        RgbImage out = MapImages.overlayRgb(frame, new float[] {0f, 1f}, 2, 1);
        double[] cam = {
                0.5 * 100 / 255, 0.5 * 50 / 255, 0.5 * 128 / 255 + 0.5 * 200 / 255,
                0.5 * 128 / 255 + 0.5 * 10 / 255, 0.5 * 20 / 255, 0.5 * 30 / 255};
        double max = 0;
        for (double v : cam) {
            max = Math.max(max, v);
        }
        for (int i = 0; i < 6; i++) {
            assertEquals((int) (255 * (cam[i] / max)), out.rgb()[i] & 0xFF, "channel " + i);
        }
    }

    @Test
    void overlayTruncatesTheMaskLikeNumpy() {
        // 0.999 * 255 = 254.7 -> uint8 254, not 255
        RgbImage frame = new RgbImage(1, 1, new byte[] {0, 0, 0});
        RgbImage a = MapImages.overlayRgb(frame, new float[] {0.999f}, 1, 1);
        RgbImage b = MapImages.overlayRgb(frame, new float[] {254f / 255}, 1, 1);
        assertArrayEquals(b.rgb(), a.rgb());
    }

    @Test
    void overlayResizesTheMaskToTheFrame() {
        Random random = new Random(3);
        byte[] rgb = new byte[40 * 30 * 3];
        random.nextBytes(rgb);
        RgbImage frame = new RgbImage(40, 30, rgb);
        float[] small = {0, 0.25f, 0.5f, 1f};
        RgbImage out = MapImages.overlayRgb(frame, small, 2, 2);
        assertEquals(40, out.width());
        assertEquals(30, out.height());
        assertArrayEquals(MapImages.overlayRgb(frame, Bilinear.resize(small, 2, 2, 40, 30, false), 40, 30).rgb(),
                out.rgb());
    }

    @Test
    void overlayJpegDecodesToTheFrameSize() {
        RgbImage frame = decoder.decode(TestImages.encode(TestImages.gradient(48, 32), "png"));
        float[] map = new float[6 * 4];
        for (int i = 0; i < map.length; i++) {
            map[i] = i / (float) map.length;
        }
        byte[] jpeg = MapImages.overlayJpeg(frame, map, 6, 4);
        RgbImage decoded = decoder.decode(jpeg);
        assertEquals(48, decoded.width());
        assertEquals(32, decoded.height());
        RgbImage exact = MapImages.overlayRgb(frame, map, 6, 4);
        double error = 0;
        for (int i = 0; i < exact.rgb().length; i++) {
            error += Math.abs((exact.rgb()[i] & 0xFF) - (decoded.rgb()[i] & 0xFF));
        }
        assertTrue(error / exact.rgb().length < 6, "mean JPEG error " + error / exact.rgb().length);
    }

    @Test
    void rgbEncodersRoundTrip() {
        RgbImage img = decoder.decode(TestImages.encode(TestImages.randomRgb(9, 5, 8), "png"));
        assertArrayEquals(img.rgb(), decoder.decode(MapImages.png(img)).rgb());
        assertEquals(9, decoder.decode(MapImages.jpeg(img, 0.8f)).width());
    }

    @Test
    void rejectsMapOfWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> MapImages.png(new float[5], 2, 2));
        RgbImage frame = new RgbImage(1, 1, new byte[3]);
        assertThrows(IllegalArgumentException.class, () -> MapImages.overlayRgb(frame, new float[3], 2, 2));
    }
}
