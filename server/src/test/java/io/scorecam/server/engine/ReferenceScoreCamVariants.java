package io.scorecam.server.engine;

import io.scorecam.server.engine.api.Convention;

import java.util.ArrayList;
import java.util.List;

/**
 * Smoothed and Integrated Score-CAM written the slow, obvious way, in double precision, like
 * {@link ReferenceScoreCam}: per channel, every perturbed mask is built at input resolution, multiplied into the
 * input and run through the model one image at a time; the channel's weight is the mean of those scores, and the
 * maps are combined like exact Score-CAM under the convention. Only the noise's random numbers come from the
 * engine (the same seeded draws, so the two can be compared).
 */
final class ReferenceScoreCamVariants {
    /** The perturbed masks of channel k, from its normalised mask at input resolution. */
    interface Masks {
        List<double[]> of(int channel, double[] normalised);
    }

    private ReferenceScoreCamVariants() {
    }

    /** SS-CAM: norm + N(0, sigma^2) noise, one draw per sample (values given by the caller per channel/sample). */
    static Masks smoothed(int samples, NoiseSource noise) {
        return (k, norm) -> {
            List<double[]> out = new ArrayList<>(samples);
            for (int s = 0; s < samples; s++) {
                float[] n = noise.noise(k, s, norm.length);
                double[] m = new double[norm.length];
                for (int p = 0; p < m.length; p++) {
                    m[p] = (float) norm[p] + n[p]; // the engine adds float noise to the float mask
                }
                out.add(m);
            }
            return out;
        };
    }

    /** IS-CAM: norm * i/n for i = 1..n. */
    static Masks integrated(int steps) {
        return (k, norm) -> {
            List<double[]> out = new ArrayList<>(steps);
            for (int i = 1; i <= steps; i++) {
                double[] m = new double[norm.length];
                for (int p = 0; p < m.length; p++) {
                    m[p] = norm[p] * i / steps;
                }
                out.add(m);
            }
            return out;
        };
    }

    interface NoiseSource {
        float[] noise(int channel, int sample, int n);
    }

    static ReferenceScoreCam.Map map(ReferenceScoreCam.Forward model, float[] input, int height, int width,
                                     float[] activations, int channels, int layerHeight, int layerWidth, int classId,
                                     boolean probabilitiesOut, Convention convention, Masks masks) {
        int plane = height * width;
        boolean gradCamLib = convention == Convention.GRAD_CAM_LIB;
        boolean official = convention == Convention.OFFICIAL;
        double eps = gradCamLib ? 1e-8 : official ? 0 : 1e-5;
        double[] weights = new double[channels];
        boolean[] used = new boolean[channels];
        double[][] maps = new double[channels][];
        int passes = 0;
        for (int k = 0; k < channels; k++) {
            double[] up = ReferenceScoreCam.upsample(activations, k, layerHeight, layerWidth, height, width, gradCamLib);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : up) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (!gradCamLib && max == min) {
                continue; // SEED: a zero map whatever its weight; OFFICIAL: skipped by definition
            }
            double[] norm = new double[plane];
            for (int p = 0; p < plane; p++) {
                norm[p] = (up[p] - min) / (max - min + eps);
            }
            List<double[]> perturbed = masks.of(k, norm);
            double sum = 0;
            for (double[] m : perturbed) {
                sum += score(model, input, m, plane, classId, !gradCamLib && !probabilitiesOut);
                passes++;
            }
            weights[k] = sum / perturbed.size();
            used[k] = true;
            maps[k] = official ? up : norm;
        }
        if (gradCamLib) {
            return new ReferenceScoreCam.Map(gradCamFinish(weights, activations, channels, layerHeight, layerWidth,
                    height, width), Double.NaN, passes);
        }
        double[] sum = new double[plane];
        for (int k = 0; k < channels; k++) {
            if (used[k]) {
                for (int p = 0; p < plane; p++) {
                    sum[p] += weights[k] * maps[k][p];
                }
            }
        }
        double rawMax = 0;
        for (int p = 0; p < plane; p++) {
            sum[p] = Math.max(0, sum[p]);
            rawMax = Math.max(rawMax, sum[p]);
        }
        if (rawMax > 0) {
            for (int p = 0; p < plane; p++) {
                sum[p] /= rawMax;
            }
        }
        return new ReferenceScoreCam.Map(sum, rawMax, passes);
    }

    /** pytorch-grad-cam's combination: softmax over channels, layer resolution, scale, resize, scale. */
    private static double[] gradCamFinish(double[] scores, float[] activations, int channels, int lh, int lw,
                                          int height, int width) {
        double[] w = ReferenceScoreCam.softmax(scores);
        int hw = lh * lw;
        double[] cam = new double[hw];
        for (int k = 0; k < channels; k++) {
            for (int p = 0; p < hw; p++) {
                cam[p] += w[k] * activations[k * hw + p];
            }
        }
        for (int p = 0; p < hw; p++) {
            cam[p] = Math.max(0, cam[p]);
        }
        scale(cam);
        double[] resized = ReferenceScoreCam.resizeHalfPixel(cam, lh, lw, height, width);
        for (int p = 0; p < resized.length; p++) {
            resized[p] = Math.max(0, resized[p]);
        }
        scale(resized);
        return resized;
    }

    private static void scale(double[] x) {
        double min = Double.POSITIVE_INFINITY;
        for (double v : x) {
            min = Math.min(min, v);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            x[i] -= min;
            max = Math.max(max, x[i]);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= 1e-7 + max;
        }
    }

    private static double score(ReferenceScoreCam.Forward model, float[] input, double[] mask, int plane, int classId,
                                boolean softmax) {
        float[] masked = new float[input.length];
        for (int i = 0; i < input.length; i++) {
            masked[i] = (float) (input[i] * mask[i % plane]);
        }
        float[] out = model.apply(masked);
        double[] o = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            o[i] = out[i];
        }
        return softmax ? ReferenceScoreCam.softmax(o)[classId] : o[classId];
    }
}
