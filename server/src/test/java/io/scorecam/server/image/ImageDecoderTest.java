package io.scorecam.server.image;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.scorecam.server.image.TestImages.rgbAt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(4_000_000);

    private static ScoreCamException expect(ErrorCode code, Runnable action, String... fragments) {
        ScoreCamException e = assertThrows(ScoreCamException.class, action::run);
        assertEquals(code, e.code(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
        return e;
    }

    @Test
    void emptyInputIsRejected() {
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(new byte[0]), "empty");
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(null), "empty");
    }

    @Test
    void unknownFormatNamesFirstBytes() {
        byte[] gif = "GIF89a\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(gif),
                "unsupported image format (first bytes 47 49 46 38 39 61 01 00)", "send JPEG or PNG");
    }

    @Test
    void pngBombIsRejectedFromItsHeader() {
        byte[] bomb = TestImages.pngWithHeader(100_000, 100_000);
        assertTrue(bomb.length < 100);
        expect(ErrorCode.RESOURCE_EXHAUSTED, () -> decoder.decode(bomb),
                "100000x100000", "10000000000", "4000000", "--max-pixels");
    }

    @Test
    void zeroSizedPngIsInvalid() {
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(TestImages.pngWithHeader(0, 0)), "png");
    }

    @Test
    void limitAppliesToRealImages() {
        byte[] png = TestImages.encode(TestImages.randomRgb(20, 20, 1), "png");
        ImageDecoder small = new ImageDecoder(399);
        expect(ErrorCode.RESOURCE_EXHAUSTED, () -> small.decode(png), "20x20", "399", "--max-pixels");
        assertEquals(20, new ImageDecoder(400).decode(png).width());
    }

    @Test
    void truncatedJpegIsInvalid() {
        byte[] jpeg = TestImages.jpeg(TestImages.randomRgb(64, 48, 2), 0.9f);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(cut), "truncated");
    }

    @Test
    void jpegMissingOnlyItsEndMarkerIsAccepted() {
        byte[] jpeg = TestImages.jpeg(TestImages.gradient(32, 16), 0.9f);
        RgbImage full = decoder.decode(jpeg);
        RgbImage noEoi = decoder.decode(Arrays.copyOf(jpeg, jpeg.length - 2));
        assertArrayEquals(full.rgb(), noEoi.rgb());
    }

    @Test
    void jpegCutInsideHeaderIsInvalid() {
        byte[] jpeg = TestImages.jpeg(TestImages.randomRgb(64, 48, 2), 0.9f);
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(Arrays.copyOf(jpeg, 20)), "jpeg");
    }

    @Test
    void truncatedPngIsInvalid() {
        byte[] png = TestImages.encode(TestImages.randomRgb(64, 48, 3), "png");
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(Arrays.copyOf(png, png.length / 2)),
                "corrupt, truncated or unsupported png");
    }

    @Test
    void garbageAfterJpegMagicIsInvalid() {
        byte[] junk = new byte[200];
        new Random(4).nextBytes(junk);
        junk[0] = (byte) 0xFF;
        junk[1] = (byte) 0xD8;
        junk[2] = (byte) 0xFF;
        expect(ErrorCode.INVALID_ARGUMENT, () -> decoder.decode(junk), "jpeg");
    }

    @Test
    void rgbPngRoundTripsExactly() {
        BufferedImage src = TestImages.randomRgb(37, 23, 5);
        RgbImage img = decoder.decode(TestImages.encode(src, "png"));
        assertEquals(37, img.width());
        assertEquals(23, img.height());
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                assertArrayEquals(rgbAt(src, x, y), rgbAt(img, x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void alphaIsDropped() {
        BufferedImage src = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < 20; i++) {
            src.setRGB(i % 5, i / 5, ((i * 12) << 24) | (i * 10 << 16) | (200 - i) << 8 | (i * 3));
        }
        RgbImage img = decoder.decode(TestImages.encode(src, "png"));
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(new int[] {i * 10, 200 - i, i * 3}, rgbAt(img, i % 5, i / 5));
        }
    }

    @Test
    void grayPngKeepsItsValues() {
        BufferedImage src = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = src.getRaster();
        for (int i = 0; i < 256; i++) {
            r.setSample(i % 16, i / 16, 0, i);
        }
        RgbImage img = decoder.decode(TestImages.encode(src, "png"));
        for (int i = 0; i < 256; i++) {
            assertArrayEquals(new int[] {i, i, i}, rgbAt(img, i % 16, i / 16), "gray " + i);
        }
    }

    @Test
    void sixteenBitGrayIsRoundedTo8Bits() {
        BufferedImage src = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 257 * 100, 65535, 257 * 7 + 200};
        for (int x = 0; x < 4; x++) {
            src.getRaster().setSample(x, 0, 0, values[x]);
        }
        RgbImage img = decoder.decode(TestImages.encode(src, "png"));
        int[] expected = {0, 100, 255, 8};
        for (int x = 0; x < 4; x++) {
            assertArrayEquals(new int[] {expected[x], expected[x], expected[x]}, rgbAt(img, x, 0));
        }
    }

    @Test
    void sixteenBitRgbIsRoundedTo8Bits() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {16, 16, 16}, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {65535, 0, 257 * 33});
        raster.setPixel(1, 0, new int[] {257 * 200, 257 * 201, 128});
        BufferedImage src = new BufferedImage(cm, raster, false, null);
        RgbImage img = decoder.decode(TestImages.encode(src, "png"));
        assertArrayEquals(new int[] {255, 0, 33}, rgbAt(img, 0, 0));
        assertArrayEquals(new int[] {200, 201, 0}, rgbAt(img, 1, 0));
    }

    @Test
    void palettePngUsesItsColours() {
        byte[] reds = {10, 20, (byte) 250, 0};
        byte[] greens = {11, 21, 0, (byte) 255};
        byte[] blues = {12, 22, 5, 9};
        IndexColorModel icm = new IndexColorModel(2, 4, reds, greens, blues);
        BufferedImage src = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int i = 0; i < 8; i++) {
            src.getRaster().setSample(i % 4, i / 4, 0, i % 4);
        }
        RgbImage img = decoder.decode(TestImages.encode(src, "png"));
        for (int i = 0; i < 8; i++) {
            int k = i % 4;
            assertArrayEquals(new int[] {reds[k] & 0xFF, greens[k] & 0xFF, blues[k] & 0xFF},
                    rgbAt(img, i % 4, i / 4));
        }
    }

    @Test
    void jpegRoundTripIsClose() {
        BufferedImage src = TestImages.gradient(64, 40);
        RgbImage img = decoder.decode(TestImages.jpeg(src, 0.95f));
        assertEquals(64, img.width());
        assertEquals(40, img.height());
        double error = 0;
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 64; x++) {
                int[] a = rgbAt(src, x, y);
                int[] b = rgbAt(img, x, y);
                for (int c = 0; c < 3; c++) {
                    error += Math.abs(a[c] - b[c]);
                }
            }
        }
        double mean = error / (64 * 40 * 3);
        assertTrue(mean < 3, "mean abs error " + mean);
    }

    @Test
    void colourJpegDecodesToExactlyImageIosPixels() throws Exception {
        // the decoder reads colour JPEGs band-swapped straight into the frame's array: same pixels as ImageIO's
        // own BGR image, every one, in R, G, B order; an odd width checks there is no row padding
        byte[] jpeg = TestImages.jpeg(TestImages.randomRgb(67, 45, 5), 0.9f);
        BufferedImage reference = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, reference.getType());
        RgbImage img = decoder.decode(jpeg);
        assertEquals(67 * 45 * 3, img.rgb().length);
        for (int y = 0; y < 45; y++) {
            for (int x = 0; x < 67; x++) {
                int p = reference.getRGB(x, y);
                assertArrayEquals(new int[] {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF}, rgbAt(img, x, y),
                        "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void grayJpegBecomesRgb() {
        BufferedImage src = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                src.getRaster().setSample(x, y, 0, 90);
            }
        }
        RgbImage img = decoder.decode(TestImages.jpeg(src, 0.95f));
        int[] p = rgbAt(img, 8, 8);
        assertEquals(p[0], p[1]);
        assertEquals(p[1], p[2]);
        assertTrue(Math.abs(p[0] - 90) <= 2, "gray " + p[0]);
    }

    @Test
    void rawRgbIsCopied() {
        byte[] px = {1, 2, 3, 4, 5, 6};
        RgbImage img = decoder.fromRaw(2, 1, ImageDecoder.RawFormat.RGB8, px);
        assertArrayEquals(px, img.rgb());
    }

    @Test
    void rawBgrIsSwapped() {
        RgbImage img = decoder.fromRaw(2, 1, ImageDecoder.RawFormat.BGR8, new byte[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new byte[] {3, 2, 1, 6, 5, 4}, img.rgb());
    }

    @Test
    void rawGrayIsReplicated() {
        RgbImage img = decoder.fromRaw(1, 2, ImageDecoder.RawFormat.GRAY8, new byte[] {7, (byte) 200});
        assertArrayEquals(new byte[] {7, 7, 7, (byte) 200, (byte) 200, (byte) 200}, img.rgb());
    }

    @Test
    void rawPixelsAreReadFromAViewInsideALargerMessage() {
        // as a parsed frame hands them over: a read-only window into the received message's array
        byte[] message = {9, 9, 1, 2, 3, 4, 5, 6, 9};
        ByteBuffer window = ByteBuffer.wrap(message, 2, 6).slice().asReadOnlyBuffer();
        ByteBuffer offset = ByteBuffer.wrap(message, 2, 6).asReadOnlyBuffer();
        for (ByteBuffer view : List.of(window, offset)) {
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6},
                    decoder.fromRaw(2, 1, ImageDecoder.RawFormat.RGB8, view.duplicate()).rgb());
            assertArrayEquals(new byte[] {3, 2, 1, 6, 5, 4},
                    decoder.fromRaw(2, 1, ImageDecoder.RawFormat.BGR8, view.duplicate()).rgb());
        }
        ByteBuffer gray = ByteBuffer.wrap(message, 1, 2).asReadOnlyBuffer();
        assertArrayEquals(new byte[] {9, 9, 9, 1, 1, 1}, decoder.fromRaw(1, 2, ImageDecoder.RawFormat.GRAY8, gray).rgb());
        expect(ErrorCode.INVALID_ARGUMENT,
                () -> decoder.fromRaw(2, 2, ImageDecoder.RawFormat.RGB8, offset.duplicate()), "needs 12 bytes, got 6");
    }

    @Test
    void rawSizeMismatchIsExplained() {
        expect(ErrorCode.INVALID_ARGUMENT,
                () -> decoder.fromRaw(640, 480, ImageDecoder.RawFormat.RGB8, new byte[10]),
                "raw image 640x480 RGB8 needs 921600 bytes, got 10");
        expect(ErrorCode.INVALID_ARGUMENT,
                () -> decoder.fromRaw(4, 4, ImageDecoder.RawFormat.GRAY8, new byte[48]),
                "needs 16 bytes, got 48");
    }

    @Test
    void rawZeroSizeAndLimit() {
        expect(ErrorCode.INVALID_ARGUMENT,
                () -> decoder.fromRaw(0, 480, ImageDecoder.RawFormat.RGB8, new byte[0]), "0x480");
        expect(ErrorCode.RESOURCE_EXHAUSTED,
                () -> decoder.fromRaw(4000, 4000, ImageDecoder.RawFormat.GRAY8, new byte[16]),
                "4000x4000", "--max-pixels");
    }

    @Test
    void decodesTheSharedPhotosWhenPresent() throws IOException {
        Path images = Path.of(System.getProperty("scorecam.repo.root", "."))
                .resolve("../shared/images");
        Assumptions.assumeTrue(Files.isDirectory(images), "shared images absent");
        String[][] expected = {{"both.png", "224", "224"}, {"dogs.png", "347", "342"}, {"dog_cat.jpg", "284", "177"}};
        for (String[] e : expected) {
            Path file = images.resolve(e[0]);
            Assumptions.assumeTrue(Files.isRegularFile(file), e[0] + " absent");
            RgbImage img = decoder.decode(Files.readAllBytes(file));
            assertEquals(Integer.parseInt(e[1]), img.width(), e[0]);
            assertEquals(Integer.parseInt(e[2]), img.height(), e[0]);
            // ImageIO as the independent reader: pixels must agree with its own RGB conversion
            BufferedImage ref = ImageIO.read(file.toFile());
            assertArrayEquals(rgbAt(ref, img.width() / 2, img.height() / 2), rgbAt(img, img.width() / 2, img.height() / 2));
        }
    }
}
