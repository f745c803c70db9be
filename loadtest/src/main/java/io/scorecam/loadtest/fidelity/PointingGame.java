package io.scorecam.loadtest.fidelity;

import java.util.List;

/**
 * The pointing game (Zhang et al. 2016), without tolerance: a map hits when its maximum lies inside a box of
 * its class. The map may be at any resolution covering the whole frame (the server's ORIGINAL map size):
 * the maximum's pixel centre is scaled to frame pixels before the test.
 */
public final class PointingGame {
    private PointingGame() {
    }

    /**
     * @param values       the map, row-major, width x height
     * @param frameWidth   the size of the frame the boxes are in
     * @param boxes        the boxes of the map's class (a hit in any of them counts)
     */
    public static boolean hit(float[] values, int width, int height, int frameWidth, int frameHeight, List<GroundTruthBoxes.Box> boxes) {
        if (values.length != width * height || values.length == 0) {
            throw new IllegalArgumentException("a " + width + "x" + height + " map with " + values.length + " values");
        }
        int best = argmax(values);
        double x = (best % width + 0.5) * frameWidth / width;
        double y = (best / width + 0.5) * frameHeight / height;
        for (GroundTruthBoxes.Box b : boxes) {
            if (b.contains(x, y)) {
                return true;
            }
        }
        return false;
    }

    /** First index of the largest value (ties go to the first, in row-major order). */
    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
