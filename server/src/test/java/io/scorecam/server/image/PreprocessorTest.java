package io.scorecam.server.image;

import io.scorecam.server.model.ModelConfig.ChannelOrder;
import io.scorecam.server.model.ModelConfig.InputSpec;
import io.scorecam.server.model.ModelConfig.ResizeMode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PreprocessorTest {
    private static final float EPS = 1e-5f;

    private static InputSpec spec(int w, int h, ChannelOrder order, float scale, float[] mean, float[] std,
                                  ResizeMode resize) {
        return new InputSpec("x", w, h, order, scale, mean, std, resize);
    }

    private static InputSpec plain(int w, int h, ResizeMode resize) {
        return spec(w, h, ChannelOrder.RGB, 1f, new float[3], new float[] {1, 1, 1}, resize);
    }

    /** An image whose red channel is f(x, y) and green/blue are constants. */
    private static RgbImage image(int w, int h, IntBinaryOperator red) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) red.applyAsInt(x, y);
                rgb[o + 1] = 7;
                rgb[o + 2] = 9;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void normalisesKnownPixel() {
        InputSpec s = spec(1, 1, ChannelOrder.RGB, 255f, new float[] {0.5f, 0.25f, 0.1f},
                new float[] {0.5f, 0.25f, 0.2f}, ResizeMode.STRETCH);
        float[] out = new Preprocessor(s).toChw(new RgbImage(1, 1, new byte[] {(byte) 255, 0, 51}));
        assertArrayEquals(new float[] {1f, -1f, 0.5f}, out, EPS);
    }

    @Test
    void bgrSwapsChannelsAndIndexesMeanByTensorChannel() {
        InputSpec s = spec(1, 1, ChannelOrder.BGR, 255f, new float[] {0.1f, 0.2f, 0.3f},
                new float[] {0.5f, 0.5f, 0.5f}, ResizeMode.STRETCH);
        float[] out = new Preprocessor(s).toChw(new RgbImage(1, 1, new byte[] {(byte) 255, 102, 51}));
        // tensor channel 0 = blue 51/255 = 0.2; 1 = green 0.4; 2 = red 1.0
        assertArrayEquals(new float[] {(0.2f - 0.1f) / 0.5f, (0.4f - 0.2f) / 0.5f, (1f - 0.3f) / 0.5f}, out, EPS);
    }

    @Test
    void stretchIsIdentityWhenSizesMatch() {
        Random random = new Random(1);
        byte[] rgb = new byte[7 * 5 * 3];
        random.nextBytes(rgb);
        float[] out = new Preprocessor(plain(7, 5, ResizeMode.STRETCH)).toChw(new RgbImage(7, 5, rgb));
        for (int i = 0; i < 35; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(rgb[i * 3 + c] & 0xFF, out[c * 35 + i], 0f);
            }
        }
    }

    @Test
    void stretchResizesBilinearHalfPixel() {
        Preprocessor p = new Preprocessor(plain(4, 1, ResizeMode.STRETCH));
        float[] out = p.toChw(image(2, 1, (x, y) -> x * 100));
        assertArrayEquals(new float[] {0, 25, 75, 100}, Arrays.copyOf(out, 4), EPS);
        assertArrayEquals(new float[] {7, 7, 7, 7, 9, 9, 9, 9}, Arrays.copyOfRange(out, 4, 12), EPS);
    }

    @Test
    void stretchMatchesBilinearPlaneResize() {
        Random random = new Random(5);
        byte[] rgb = new byte[13 * 9 * 3];
        random.nextBytes(rgb);
        float[] out = new Preprocessor(plain(6, 17, ResizeMode.STRETCH)).toChw(new RgbImage(13, 9, rgb));
        for (int c = 0; c < 3; c++) {
            float[] plane = new float[13 * 9];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = rgb[i * 3 + c] & 0xFF;
            }
            float[] expected = Bilinear.resize(plane, 13, 9, 6, 17, false);
            assertArrayEquals(expected, Arrays.copyOfRange(out, c * 102, (c + 1) * 102), 1e-3f);
        }
    }

    @Test
    void centerCropOfWideImageTakesMiddleColumns() {
        Preprocessor p = new Preprocessor(plain(4, 4, ResizeMode.CENTER_CROP));
        float[] out = p.toChw(image(12, 4, (x, y) -> x * 10 + y));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals((x + 4) * 10 + y, out[y * 4 + x], EPS, "at " + x + "," + y);
            }
        }
    }

    @Test
    void centerCropOfTallImageScalesThenTakesMiddleRows() {
        // 8x16 -> scale 0.5 -> 4x8, rows 2..5 kept; resized row j samples source row 2j + 0.5
        Preprocessor p = new Preprocessor(plain(4, 4, ResizeMode.CENTER_CROP));
        float[] out = p.toChw(image(8, 16, (x, y) -> y * 10));
        for (int y = 0; y < 4; y++) {
            assertEquals((2 * (y + 2) + 0.5f) * 10, out[y * 4 + 1], EPS, "row " + y);
        }
    }

    @Test
    void stretchMapToOriginalResizes() {
        Preprocessor p = new Preprocessor(plain(4, 4, ResizeMode.STRETCH));
        float[] map = new float[16];
        Arrays.fill(map, 0.75f);
        float[] out = p.mapToOriginal(map, 4, 4, 10, 6);
        assertEquals(60, out.length);
        for (float v : out) {
            assertEquals(0.75f, v, EPS);
        }
        float[] ramp = {0, 1, 2, 3};
        assertArrayEquals(Bilinear.resize(ramp, 4, 1, 9, 3, false), p.mapToOriginal(ramp, 4, 1, 9, 3), 0f);
    }

    @Test
    void centerCropMapToOriginalLeavesZerosOutsideTheCrop() {
        Preprocessor p = new Preprocessor(plain(4, 4, ResizeMode.CENTER_CROP));
        float[] map = new float[16];
        for (int i = 0; i < 16; i++) {
            map[i] = 1 + i;
        }
        float[] wide = p.mapToOriginal(map, 4, 4, 12, 4);
        assertEquals(48, wide.length);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 12; x++) {
                float expected = x >= 4 && x < 8 ? map[y * 4 + x - 4] : 0f;
                assertEquals(expected, wide[y * 12 + x], EPS, "at " + x + "," + y);
            }
        }
        float[] ones = new float[16];
        Arrays.fill(ones, 1f);
        float[] tall = p.mapToOriginal(ones, 4, 4, 8, 16);
        assertEquals(128, tall.length);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(y >= 4 && y < 12 ? 1f : 0f, tall[y * 8 + x], EPS, "at " + x + "," + y);
            }
        }
    }

    @Test
    void mapAtLayerResolutionAlsoMapsBack() {
        Preprocessor p = new Preprocessor(plain(8, 8, ResizeMode.CENTER_CROP));
        float[] out = p.mapToOriginal(new float[] {1, 1, 1, 1}, 2, 2, 16, 8);
        float sum = 0;
        for (float v : out) {
            sum += v;
        }
        assertEquals(8 * 8, sum, EPS);
    }

    @Test
    void writesIntoABatchSlot() {
        Random random = new Random(2);
        byte[] rgb = new byte[9 * 6 * 3];
        random.nextBytes(rgb);
        RgbImage img = new RgbImage(9, 6, rgb);
        Preprocessor p = new Preprocessor(spec(4, 3, ChannelOrder.BGR, 255f, new float[] {0.1f, 0.2f, 0.3f},
                new float[] {0.2f, 0.3f, 0.4f}, ResizeMode.CENTER_CROP));
        float[] batch = new float[2 * 36 + 5];
        p.toChw(img, batch, 36 + 5);
        assertArrayEquals(p.toChw(img), Arrays.copyOfRange(batch, 41, 77), 0f);
        assertEquals(0f, batch[40]);
        assertThrows(IllegalArgumentException.class, () -> p.toChw(img, batch, 42));
    }
}
