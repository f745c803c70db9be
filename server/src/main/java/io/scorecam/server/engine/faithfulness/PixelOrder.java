package io.scorecam.server.engine.faithfulness;

import java.util.Arrays;

/**
 * The order RISE's deletion and insertion change pixels in: descending map value, ties broken by the lower
 * pixel index first (a fixed rule, so results do not depend on a sort's stability). Kept as ranks, so a
 * the pixels changed after k steps are the first k of the order, and pixel p is among them iff rank(p) &lt; k.
 */
public final class PixelOrder {
    private final int[] rank;
    private final int[] pixels;

    private PixelOrder(int[] rank, int[] pixels) {
        this.rank = rank;
        this.pixels = pixels;
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
        int[] pixels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = (int) (keys[i] & 0x7fffffffL);
            rank[pixels[i]] = i;
        }
        return new PixelOrder(rank, pixels);
    }

    public int size() {
        return rank.length;
    }

    /** Position of pixel p in the order (0 = most salient). */
    public int rank(int pixel) {
        return rank[pixel];
    }

    /** Pixel indices, most salient first (a copy). */
    public int[] pixels() {
        return pixels.clone();
    }

    /** The pixel at a position of the order. */
    public int pixel(int position) {
        return pixels[position];
    }
}
