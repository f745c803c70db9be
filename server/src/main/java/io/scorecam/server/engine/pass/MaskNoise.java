package io.scorecam.server.engine.pass;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Smoothed Score-CAM's Gaussian noise, drawn from a seed fixed by the frame's content, the channel and the
 * sample: the same frame always gets the same noise (a request is reproducible, cached rows stay valid), and a
 * reference implementation can draw exactly the same numbers.
 */
public final class MaskNoise {
    private MaskNoise() {
    }

    /** The seed of one sample of one channel's mask on a frame. */
    public static long seed(long frameSeed, int channel, int sample) {
        return frameSeed * 0x9E3779B97F4A7C15L + (((long) channel << 32) | (sample & 0xffffffffL));
    }

    /** Writes n values of N(0, sigma^2) drawn from seed. */
    public static void fill(long seed, float sigma, int n, FloatBuffer out) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            out.put((float) (sigma * random.nextGaussian()));
        }
    }

    /** The same n values as {@link #fill}, as an array. */
    public static float[] values(long seed, float sigma, int n) {
        FloatBuffer b = FloatBuffer.allocate(n);
        fill(seed, sigma, n, b);
        return b.array();
    }
}
