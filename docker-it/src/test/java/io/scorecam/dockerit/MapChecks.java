package io.scorecam.dockerit;

import io.scorecam.api.v1.SaliencyMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every saliency map must satisfy, and where its mass lies relative to a box. */
final class MapChecks {
    private MapChecks() {
    }

    /**
     * Size, value range and scaling (SEED convention: ReLU'd map divided by its maximum). A map resampled to
     * the frame's own size after scaling keeps its peak near, not exactly at, 1.
     */
    static void assertWellFormed(SaliencyMap map, int width, int height, String what) {
        assertEquals(width, map.getWidth(), what + ": map width");
        assertEquals(height, map.getHeight(), what + ": map height");
        assertEquals(width * height, map.getValuesCount(), what + ": values count");
        float max = 0;
        for (int i = 0; i < map.getValuesCount(); i++) {
            float v = map.getValues(i);
            assertTrue(Float.isFinite(v) && v >= 0f && v <= 1f + 1e-6f, what + ": value " + v + " at " + i + " not in [0,1]");
            max = Math.max(max, v);
        }
        assertTrue(map.getRawMax() >= 0f, what + ": negative raw_max " + map.getRawMax());
        if (map.getRawMax() > 0f) {
            assertTrue(max > 0.5f, what + ": a map with raw_max > 0 is scaled to a maximum near 1, got " + max);
        } else {
            assertEquals(0f, max, what + ": raw_max 0 means an all-zero map");
        }
    }

    /** Mean map value inside the box [x0,x1) x [y0,y1) divided by the mean outside it (>1: the box stands out). */
    static double insideOverOutside(SaliencyMap map, BundledFrames.Box box) {
        int w = map.getWidth();
        int h = map.getHeight();
        double in = 0;
        double out = 0;
        long nIn = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = map.getValues(y * w + x);
                if (x >= box.x0() && x < box.x1() && y >= box.y0() && y < box.y1()) {
                    in += v;
                    nIn++;
                } else {
                    out += v;
                }
            }
        }
        long nOut = (long) w * h - nIn;
        if (nIn == 0 || nOut == 0) {
            return Double.NaN;
        }
        double meanOut = out / nOut;
        return meanOut == 0 ? (in > 0 ? Double.POSITIVE_INFINITY : Double.NaN) : (in / nIn) / meanOut;
    }
}
