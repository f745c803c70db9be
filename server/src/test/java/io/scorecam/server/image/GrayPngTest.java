package io.scorecam.server.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrayPngTest {
    @Test
    void smoothAndNoisyImagesDecodeBackExactly() throws IOException {
        int w = 224, h = 160;
        byte[] smooth = new byte[w * h];
        byte[] noise = new byte[w * h];
        new Random(3).nextBytes(noise);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                smooth[y * w + x] = (byte) Math.round(255 * Math.exp(-((x - 90) * (x - 90) + (y - 70) * (y - 70)) / 1500.0));
            }
        }
        for (byte[] pixels : List.of(smooth, noise, new byte[1])) {
            int iw = pixels.length == 1 ? 1 : w;
            int ih = pixels.length == 1 ? 1 : h;
            byte[] png = GrayPng.encode(pixels, iw, ih);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
            assertEquals(iw, img.getWidth());
            assertEquals(ih, img.getHeight());
            assertArrayEquals(pixels, ((DataBufferByte) img.getRaster().getDataBuffer()).getData());
        }
        assertTrue(GrayPng.encode(smooth, w, h).length < w * h / 4, "a smooth map compresses");
    }

    @Test
    void everyChunkCarriesItsCrc() {
        byte[] png = GrayPng.encode(new byte[] {0, 10, 20, 30, 40, 50}, 3, 2);
        ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
        List<String> types = new ArrayList<>();
        while (b.hasRemaining()) {
            int length = b.getInt();
            byte[] typeAndData = new byte[4 + length];
            b.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            String type = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC of " + type); // libpng and browsers check it
            types.add(type);
        }
        assertEquals(List.of("IHDR", "IDAT", "IEND"), types);
    }

    @Test
    void wrongPixelCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GrayPng.encode(new byte[5], 2, 2));
    }
}
