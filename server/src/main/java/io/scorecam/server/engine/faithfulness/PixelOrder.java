package io.scorecam.server.engine.faithfulness;

import java.util.Arrays;

/**
 * The order RISE's deletion and insertion change pixels in: descending map value, ties broken by the lower
 * pixel index first (a fixed rule, so results do not depend on a sort's stability). Kept as ranks, so a
 * probe image needs no list of pixels: pixel p is changed after k pixels iff rank(p) &lt; k.
 */
public final class PixelOrder {
    private final int[] rank;

    private PixelOrder(int[] rank) {
        this.rank = rank;
    }

    /** The order of a map's pixels (row-major); NaN is not a saliency value and is rejected. */
    public static PixelOrder of(float[] map) {
        int n = map.length;
        long[] keys = new long[n];
        for (int p = 0; p < n; p++) {
            float v = map[p];
            if (Float.isNaN(v)) {
                throw new IllegalArgumentException("map value at pixel " + p + " is NaN");
            }
            int bits = Float.floatToIntBits(v + 0.0f); // + 0 turns -0 into 0
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // int order = float order
            long descending = (long) Integer.MAX_VALUE - ascending; // in [0, 2^32)
            keys[p] = (descending << 31) | p;
        }
        Arrays.sort(keys);
        int[] rank = new int[n];
        for (int i = 0; i < n; i++) {
            rank[(int) (keys[i] & 0x7fffffffL)] = i;
        }
        return new PixelOrder(rank);
    }

    public int size() {
        return rank.length;
    }

    /** Position of pixel p in the order (0 = most salient). */
    public int rank(int pixel) {
        return rank[pixel];
    }

    /** Pixel indices, most salient first. */
    public int[] pixels() {
        int[] pixels = new int[rank.length];
        for (int p = 0; p < rank.length; p++) {
            pixels[rank[p]] = p;
        }
        return pixels;
    }
}
