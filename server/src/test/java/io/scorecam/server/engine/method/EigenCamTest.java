package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EigenCamTest {

    /** Activations that are all one spatial pattern times a per-channel gain, plus a little noise. */
    private static FrameFeatures rankOne(int k, int h, int w, long seed, double[] pattern) {
        Random random = new Random(seed);
        float[] a = new float[k * h * w];
        for (int c = 0; c < k; c++) {
            double gain = 0.5 + random.nextDouble();
            for (int p = 0; p < h * w; p++) {
                a[c * h * w + p] = (float) (gain * pattern[p] + 1e-3 * random.nextGaussian());
            }
        }
        return new FrameFeatures(new float[0], a, new float[1], new float[1], new float[k], new float[k]);
    }

    private static double[] pattern(int h, int w) {
        double[] p = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[y * w + x] = Math.exp(-((x - 2.0) * (x - 2.0) + (y - 1.0) * (y - 1.0)) / 2.0);
            }
        }
        return p;
    }

    @Test
    void theFirstComponentOfARankOneLayerIsItsPatternWhicheverGramMatrixIsUsed() {
        int h = 4;
        int w = 5;
        double[] pattern = pattern(h, w);
        for (int k : new int[] {6, 64}) { // K < h*w and K > h*w take the two code paths
            FrameFeatures f = rankOne(k, h, w, k, pattern);
            float[] map = new EigenCam().layerMap(f, new LayerShape(k, h, w), null, new int[0], 0,
                    Convention.SEED);
            double mean = 0;
            for (double v : pattern) {
                mean += v / pattern.length;
            }
            // projection is proportional to the centred pattern, with a positive sign
            double num = 0;
            double den1 = 0;
            double den2 = 0;
            for (int p = 0; p < map.length; p++) {
                num += map[p] * (pattern[p] - mean);
                den1 += map[p] * map[p];
                den2 += (pattern[p] - mean) * (pattern[p] - mean);
            }
            double correlation = num / Math.sqrt(den1 * den2);
            assertTrue(correlation > 0.999, "K=" + k + ": correlation with the pattern " + correlation);
            MapFinisher.Finished done = MapFinisher.finish(map, w, h, 20, 16, Convention.SEED, false);
            int peak = 0;
            for (int i = 0; i < done.values().length; i++) {
                peak = done.values()[i] > done.values()[peak] ? i : peak;
            }
            assertEquals(1f, done.values()[peak], 1e-6f);
            assertTrue(Math.abs(peak % 20 - 10) <= 2 && Math.abs(peak / 20 - 6) <= 2, "peak at " + peak);
        }
    }

    @Test
    void aConstantLayerGivesAZeroMap() {
        float[] a = new float[3 * 2 * 2];
        java.util.Arrays.fill(a, 0.7f);
        FrameFeatures f = new FrameFeatures(new float[0], a, new float[1], new float[1], new float[3], new float[3]);
        float[] map = new EigenCam().layerMap(f, new LayerShape(3, 2, 2), null, new int[0], 0,
                Convention.SEED);
        assertArrayEquals(new float[4], map);
    }
}
