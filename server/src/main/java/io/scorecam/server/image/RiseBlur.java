package io.scorecam.server.image;

/**
 * The blur RISE (Petsiuk et al. 2018) starts its insertion metric from: each channel convolved with
 * {@code gkern(klen=11, nsig=5)} and zero padding 5 (the size is kept).
 *
 * <p>RISE's gkern is {@code scipy.ndimage.gaussian_filter} of an 11x11 delta at the centre with sigma 5 and
 * scipy's defaults: truncate 4.0, so radius int(4 * 5 + 0.5) = 20; 1-D weights exp(-x^2 / 2 sigma^2)
 * normalised over x = -20..20; mode 'reflect' (d c b a | a b c d | d c b a), so the weights that fall
 * outside the 11 taps are folded back in. The filter is separable and the delta is too, so the kernel is
 * the outer product of one 1-D kernel with itself, and the convolution runs as two 1-D passes.
 */
public final class RiseBlur {
    public static final int KERNEL_SIZE = 11;
    public static final double SIGMA = 5;
    private static final double TRUNCATE = 4.0;
    private static final double[] KERNEL = kernel1d(KERNEL_SIZE, SIGMA);

    private RiseBlur() {
    }

    /** The 1-D factor of gkern(11, 5) (sums to 1). */
    public static double[] kernel1d() {
        return KERNEL.clone();
    }

    /** gkern(11, 5) itself, row-major 11x11, as float32 like RISE's {@code kern.astype('float32')}. */
    public static float[] kernel2d() {
        float[] k = new float[KERNEL_SIZE * KERNEL_SIZE];
        for (int y = 0; y < KERNEL_SIZE; y++) {
            for (int x = 0; x < KERNEL_SIZE; x++) {
                k[y * KERNEL_SIZE + x] = (float) (KERNEL[y] * KERNEL[x]);
            }
        }
        return k;
    }

    /** scipy's gaussian_filter1d of a centred delta of length len, mode 'reflect'. */
    static double[] kernel1d(int len, double sigma) {
        int radius = (int) (TRUNCATE * sigma + 0.5);
        double[] weights = new double[2 * radius + 1];
        double sum = 0;
        for (int x = -radius; x <= radius; x++) {
            weights[x + radius] = Math.exp(-0.5 / (sigma * sigma) * x * x);
            sum += weights[x + radius];
        }
        double[] out = new double[len];
        int centre = len / 2;
        for (int i = 0; i < len; i++) {
            double v = 0;
            for (int j = -radius; j <= radius; j++) {
                if (reflect(i + j, len) == centre) {
                    v += weights[j + radius];
                }
            }
            out[i] = v / sum;
        }
        return out;
    }

    /** scipy 'reflect': the edge sample is repeated, period 2 * len. */
    private static int reflect(int p, int len) {
        int m = Math.floorMod(p, 2 * len);
        return m < len ? m : 2 * len - 1 - m;
    }

    /** The blurred copy of a [channels, height, width] tensor (zero padding: borders darken towards 0). */
    public static float[] blur(float[] chw, int channels, int height, int width) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException("expected " + channels + "x" + height + "x" + width
                    + " floats, got " + chw.length);
        }
        int r = KERNEL_SIZE / 2;
        float[] out = new float[chw.length];
        double[] rows = new double[height * width];
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double v = 0;
                    for (int t = Math.max(0, r - x), end = Math.min(KERNEL_SIZE, width - x + r); t < end; t++) {
                        v += KERNEL[t] * chw[base + y * width + x + t - r];
                    }
                    rows[y * width + x] = v;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double v = 0;
                    for (int t = Math.max(0, r - y), end = Math.min(KERNEL_SIZE, height - y + r); t < end; t++) {
                        v += KERNEL[t] * rows[(y + t - r) * width + x];
                    }
                    out[base + y * width + x] = (float) v;
                }
            }
        }
        return out;
    }
}
