package io.scorecam.server.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RISE's gkern(11, 5) and its blur against golden numbers. scipy is not installed on the machine that made
 * them, so they come from numpy 1.24.2 replicating scipy.ndimage.gaussian_filter's formula (truncate 4.0 ->
 * radius 20, weights exp(-x^2/50) normalised over -20..20, correlate1d with mode 'reflect'), the 2-D kernel
 * as np.outer(k1, k1).astype('float32'), and the blur with torch 1.13 conv2d (3x3x11x11 kernel, kern[c,c] = k,
 * padding 5) on img = np.sin(np.arange(3*7*9, dtype=float32).reshape(1,3,7,9) * 0.37).
 */
class RiseBlurTest {

    @Test
    void kernelMatchesScipysGaussianFilterOfADelta() {
        double[] golden = {0.0879581458, 0.0888961198, 0.0904741965, 0.0921911178, 0.0934893884, 0.0939820633,
                0.0934893884, 0.0921911178, 0.0904741965, 0.0888961198, 0.0879581458};
        double[] k = RiseBlur.kernel1d();
        for (int i = 0; i < golden.length; i++) {
            assertEquals(golden[i], k[i], 1e-10, "tap " + i);
        }
        float[] k2 = RiseBlur.kernel2d();
        assertEquals(0.008832628f, k2[5 * 11 + 5], 1e-9f);
        assertEquals(0.0077366354f, k2[0], 1e-9f);
        assertEquals(0.008266488f, k2[5], 1e-9f);            // row 0, column 5
        assertEquals(0.0083409175f, k2[3 * 11 + 8], 1e-9f);
        double sum = 0;
        for (float v : k2) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-6);
    }

    @Test
    void blurMatchesTorchConv2dWithZeroPadding() {
        int c = 3;
        int h = 7;
        int w = 9;
        float[] img = new float[c * h * w];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) Math.sin((float) i * 0.37f);
        }
        float[] out = RiseBlur.blur(img, c, h, w);
        assertEquals(-0.0029756345f, out[0], 1e-6f);                           // [0,0,0,0]
        assertEquals(0.007854714f, out[1 * h * w + 3 * w + 4], 1e-6f);        // [0,1,3,4]
        assertEquals(0.011956585f, out[2 * h * w + 6 * w + 8], 1e-6f);        // [0,2,6,8]
        assertEquals(0.022545945f, out[2 * w + 7], 1e-6f);                    // [0,0,2,7]
    }

    @Test
    void aConstantImageStaysConstantOnlyAwayFromTheZeroPaddedBorder() {
        int n = 40;
        float[] ones = new float[3 * n * n];
        java.util.Arrays.fill(ones, 1f);
        float[] out = RiseBlur.blur(ones, 3, n, n);
        assertEquals(1f, out[20 * n + 20], 1e-6f);
        double[] k = RiseBlur.kernel1d();
        double edge = 0;
        for (int t = 5; t < 11; t++) {
            edge += k[t];
        }
        assertEquals(edge * edge, out[0], 1e-6);   // corner: only the in-image half of the kernel on each axis
    }
}
