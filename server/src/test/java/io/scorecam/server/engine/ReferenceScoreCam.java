package io.scorecam.server.engine;

import java.util.function.Function;

/**
 * Score-CAM written the slow, obvious way, in double precision, sharing no code with the engine: every
 * channel is upsampled to the input size, normalised, multiplied into the input and run through the model
 * one image at a time; the weighted sum is formed at input resolution. The engine must match it.
 */
final class ReferenceScoreCam {
    /** Runs the unmodified model on one [3,H,W] input and returns its raw output [C]. */
    interface Forward extends Function<float[], float[]> { }

    /** A reference map: values at the model input size (GRAD_CAM_LIB: pytorch-grad-cam's output) and raw max. */
    record Map(double[] values, double rawMax, int passes) { }

    private ReferenceScoreCam() {
    }

    /**
     * @param input       preprocessed frame [3,H,W]
     * @param activations target layer [K,h,w]
     * @param probabilitiesOut the model already outputs probabilities (no softmax on top)
     */
    static Map seed(Forward model, float[] input, int height, int width, float[] activations, int channels,
                    int layerHeight, int layerWidth, int classId, boolean probabilitiesOut) {
        return halfPixelScoreCam(model, input, height, width, activations, channels, layerHeight, layerWidth,
                classId, probabilitiesOut, false);
    }

    static Map official(Forward model, float[] input, int height, int width, float[] activations, int channels,
                        int layerHeight, int layerWidth, int classId, boolean probabilitiesOut) {
        return halfPixelScoreCam(model, input, height, width, activations, channels, layerHeight, layerWidth,
                classId, probabilitiesOut, true);
    }

    private static Map halfPixelScoreCam(Forward model, float[] input, int height, int width, float[] activations,
                                         int channels, int layerHeight, int layerWidth, int classId,
                                         boolean probabilitiesOut, boolean official) {
        int plane = height * width;
        double[] sum = new double[plane];
        int passes = 0;
        for (int k = 0; k < channels; k++) {
            double[] up = upsample(activations, k, layerHeight, layerWidth, height, width, false);
            double min = min(up);
            double max = max(up);
            if (official && max == min) {
                continue;
            }
            double[] norm = new double[plane];
            for (int p = 0; p < plane; p++) {
                norm[p] = official ? (up[p] - min) / (max - min) : (up[p] - min) / (max - min + 1e-5);
            }
            if (!official && max == min) {
                continue; // a zero mask: its weight multiplies a zero map
            }
            double score = score(model, input, norm, plane, classId, !probabilitiesOut);
            passes++;
            for (int p = 0; p < plane; p++) {
                sum[p] += score * (official ? up[p] : norm[p]);
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
        return new Map(sum, rawMax, passes);
    }

    /** pytorch-grad-cam's ScoreCAM + BaseCAM + scale_cam_image, step by step. */
    static Map gradCamLib(Forward model, float[] input, int height, int width, float[] activations, int channels,
                          int layerHeight, int layerWidth, int classId) {
        int plane = height * width;
        double[] scores = new double[channels];
        for (int k = 0; k < channels; k++) {
            double[] up = upsample(activations, k, layerHeight, layerWidth, height, width, true);
            double min = min(up);
            double max = max(up);
            double[] norm = new double[plane];
            for (int p = 0; p < plane; p++) {
                norm[p] = (up[p] - min) / (max - min + 1e-8);
            }
            scores[k] = score(model, input, norm, plane, classId, false);
        }
        double[] weights = softmax(scores);
        int hw = layerHeight * layerWidth;
        double[] cam = new double[hw];
        for (int k = 0; k < channels; k++) {
            for (int p = 0; p < hw; p++) {
                cam[p] += weights[k] * activations[k * hw + p];
            }
        }
        double rawMax = 0;
        for (int p = 0; p < hw; p++) {
            cam[p] = Math.max(0, cam[p]);
            rawMax = Math.max(rawMax, cam[p]);
        }
        scale(cam);
        double[] resized = resizeHalfPixel(cam, layerHeight, layerWidth, height, width);
        for (int p = 0; p < plane; p++) {
            resized[p] = Math.max(0, resized[p]);
        }
        scale(resized);
        return new Map(resized, rawMax, channels);
    }

    private static double score(Forward model, float[] input, double[] mask, int plane, int classId,
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
        return softmax ? softmax(o)[classId] : o[classId];
    }

    /** Bilinear upsampling of channel k, half-pixel (torch align_corners=False) or align_corners. */
    static double[] upsample(float[] a, int k, int h, int w, int outH, int outW, boolean alignCorners) {
        double[] src = new double[h * w];
        for (int i = 0; i < src.length; i++) {
            src[i] = a[k * h * w + i];
        }
        return alignCorners ? resizeAlignCorners(src, h, w, outH, outW) : resizeHalfPixel(src, h, w, outH, outW);
    }

    static double[] resizeHalfPixel(double[] src, int h, int w, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = Math.min(Math.max((y + 0.5) * h / outH - 0.5, 0), h - 1);
            for (int x = 0; x < outW; x++) {
                double sx = Math.min(Math.max((x + 0.5) * w / outW - 0.5, 0), w - 1);
                out[y * outW + x] = sample(src, h, w, sy, sx);
            }
        }
        return out;
    }

    static double[] resizeAlignCorners(double[] src, int h, int w, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = outH == 1 ? 0 : y * (double) (h - 1) / (outH - 1);
            for (int x = 0; x < outW; x++) {
                double sx = outW == 1 ? 0 : x * (double) (w - 1) / (outW - 1);
                out[y * outW + x] = sample(src, h, w, sy, sx);
            }
        }
        return out;
    }

    private static double sample(double[] src, int h, int w, double sy, double sx) {
        int y0 = (int) Math.floor(sy);
        int x0 = (int) Math.floor(sx);
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double fy = sy - y0;
        double fx = sx - x0;
        double top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
        double bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static void scale(double[] x) {
        double min = min(x);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            x[i] -= min;
            max = Math.max(max, x[i]);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= 1e-7 + max;
        }
    }

    static double[] softmax(double[] v) {
        double max = max(v);
        double sum = 0;
        double[] e = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            e[i] = Math.exp(v[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < v.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
