package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pass.ScoringPass;

import java.util.Arrays;

/**
 * Exact Score-CAM (Wang et al. 2020) under the three conventions. The weighted sum is formed at layer
 * resolution: bilinear upsampling is linear and keeps constants, so upsampling the sum once equals
 * summing K upsampled maps (K*h*w work instead of K*H*W); the per-channel min and max of the upsampled
 * maps come from the scoring graph, which computes them anyway.
 */
public class ScoreCam implements SaliencyMethod {

    @Override
    public Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params) {
        return new Need<>(new ScoringPass.Rows(params.convention()),
                allUseful(frame, layer.channels(), params.convention()));
    }

    /**
     * Every channel, except constant ones where they cannot matter: under SEED a constant map normalises
     * to zero (no contribution, whatever its score); OFFICIAL skips them by definition. GRAD_CAM_LIB's
     * softmax over channels needs every score.
     */
    static int[] allUseful(FrameFeatures frame, int channels, Convention convention) {
        int[] out = new int[channels];
        int n = 0;
        for (int k = 0; k < channels; k++) {
            if (convention == Convention.GRAD_CAM_LIB || !frame.isConstant(k)) {
                out[n++] = k;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public float[] layerMap(FrameFeatures frame, LayerShape layer, ScoreRow[] rows, int[] channels, int classId,
                            Convention convention) {
        int hw = layer.mapSize();
        float[] a = frame.activations();
        double[] sum = new double[hw];
        if (convention == Convention.GRAD_CAM_LIB) {
            // pytorch-grad-cam: weights = softmax over the scored channels of the raw class scores
            double maxScore = Double.NEGATIVE_INFINITY;
            for (int k : channels) {
                maxScore = Math.max(maxScore, rows[k].scores()[classId]);
            }
            double total = 0;
            double[] w = new double[channels.length];
            for (int i = 0; i < channels.length; i++) {
                w[i] = Math.exp(rows[channels[i]].scores()[classId] - maxScore);
                total += w[i];
            }
            for (int i = 0; i < channels.length; i++) {
                addScaled(sum, a, channels[i] * hw, w[i] / total, 0);
            }
        } else {
            for (int k : channels) {
                ScoreRow row = rows[k];
                double weight = row.scores()[classId];
                if (convention == Convention.OFFICIAL) {
                    if (row.mapMax() == row.mapMin()) {
                        continue; // the official code skips maps that are constant after upsampling
                    }
                    addScaled(sum, a, k * hw, weight, 0);
                } else {
                    double range = (double) row.mapMax() - row.mapMin() + convention.normEps();
                    addScaled(sum, a, k * hw, weight / range, row.mapMin());
                }
            }
        }
        float[] out = new float[hw];
        for (int p = 0; p < hw; p++) {
            out[p] = (float) sum[p];
        }
        return out;
    }

    /** sum += weight * (a[offset..offset+n) - shift). */
    private static void addScaled(double[] sum, float[] a, int offset, double weight, double shift) {
        for (int p = 0; p < sum.length; p++) {
            sum[p] += weight * (a[offset + p] - shift);
        }
    }
}
