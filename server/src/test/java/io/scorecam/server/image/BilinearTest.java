package io.scorecam.server.image;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BilinearTest {
    private static final float EPS = 1e-5f;

    @Test
    void halfPixelUpsampleMatchesHandComputation() {
        // cv2.resize / torch align_corners=False of [0, 10] to 4: centres at -0.25 (clamped), 0.25, 0.75, 1.25
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, Bilinear.resize(new float[] {0, 10}, 2, 1, 4, 1, false), EPS);
        float[] out = Bilinear.resize(new float[] {0, 10, 20, 30}, 2, 2, 4, 4, false);
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, slice(out, 0, 4), EPS);
        assertArrayEquals(new float[] {5, 7.5f, 12.5f, 15}, slice(out, 4, 4), EPS);
        assertArrayEquals(new float[] {15, 17.5f, 22.5f, 25}, slice(out, 8, 4), EPS);
        assertArrayEquals(new float[] {20, 22.5f, 27.5f, 30}, slice(out, 12, 4), EPS);
    }

    @Test
    void halfPixelDownsampleSamplesBetweenPixels() {
        assertArrayEquals(new float[] {0.5f, 2.5f}, Bilinear.resize(new float[] {0, 1, 2, 3}, 4, 1, 2, 1, false), EPS);
        // 3x3 -> 1x2: x centre 1.0 (middle column 2,5,8); y centres 0.25 and 1.75
        assertArrayEquals(new float[] {2.75f, 7.25f},
                Bilinear.resize(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, 1, 2, false), EPS);
    }

    @Test
    void alignCornersKeepsTheCorners() {
        float[] out = Bilinear.resize(new float[] {0, 10}, 2, 1, 4, 1, true);
        assertArrayEquals(new float[] {0, 10 / 3f, 20 / 3f, 10}, out, EPS);
        float[] grid = Bilinear.resize(new float[] {0, 10, 20, 30}, 2, 2, 3, 3, true);
        assertArrayEquals(new float[] {0, 5, 10, 10, 15, 20, 20, 25, 30}, grid, EPS);
    }

    @Test
    void sameSizeIsIdentityInBothConventions() {
        float[] src = new float[35];
        Random random = new Random(3);
        for (int i = 0; i < src.length; i++) {
            src[i] = random.nextFloat() * 100 - 50;
        }
        assertArrayEquals(src, Bilinear.resize(src, 7, 5, 7, 5, false), 0f);
        assertArrayEquals(src, Bilinear.resize(src, 7, 5, 7, 5, true), 1e-5f);
    }

    @Test
    void matchesDirectFormulaOnRandomPlane() {
        Random random = new Random(9);
        int sw = 7, sh = 5, dw = 19, dh = 11;
        float[] src = new float[sw * sh];
        for (int i = 0; i < src.length; i++) {
            src[i] = random.nextFloat();
        }
        for (boolean align : new boolean[] {false, true}) {
            float[] out = Bilinear.resize(src, sw, sh, dw, dh, align);
            for (int y = 0; y < dh; y++) {
                for (int x = 0; x < dw; x++) {
                    double sx = align ? x * (sw - 1.0) / (dw - 1) : Math.max(0, (x + 0.5) * sw / dw - 0.5);
                    double sy = align ? y * (sh - 1.0) / (dh - 1) : Math.max(0, (y + 0.5) * sh / dh - 0.5);
                    assertEquals(sample(src, sw, sh, sx, sy), out[y * dw + x], 1e-5, "align=" + align + " " + x + "," + y);
                }
            }
        }
    }

    @Test
    void singleOutputPixelWithAlignCornersTakesTheFirst() {
        assertArrayEquals(new float[] {3}, Bilinear.resize(new float[] {3, 4, 5, 6}, 2, 2, 1, 1, true), 0f);
    }

    private static double sample(float[] src, int sw, int sh, double sx, double sy) {
        int x0 = Math.min((int) sx, sw - 1);
        int y0 = Math.min((int) sy, sh - 1);
        int x1 = Math.min(x0 + 1, sw - 1);
        int y1 = Math.min(y0 + 1, sh - 1);
        double fx = x0 == sw - 1 ? 0 : sx - x0;
        double fy = y0 == sh - 1 ? 0 : sy - y0;
        double top = src[y0 * sw + x0] * (1 - fx) + src[y0 * sw + x1] * fx;
        double bottom = src[y1 * sw + x0] * (1 - fx) + src[y1 * sw + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static float[] slice(float[] a, int from, int n) {
        float[] out = new float[n];
        System.arraycopy(a, from, out, 0, n);
        return out;
    }
}
