package io.scorecam.server.onnx;

/**
 * Score-CAM masking done the slow, obvious way in double precision: the reference the fused scoring
 * graph is compared with. Shares no code with the graph path.
 */
final class ReferenceMasks {
    private ReferenceMasks() {
    }

    /** Bilinear resize of map[h][w] to [outH][outW], half_pixel or align_corners, edges clamped. */
    static double[][] upsample(double[][] map, int outH, int outW, boolean alignCorners) {
        int h = map.length;
        int w = map[0].length;
        double[][] out = new double[outH][outW];
        for (int y = 0; y < outH; y++) {
            double sy = source(y, h, outH, alignCorners);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = source(x, w, outW, alignCorners);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = map[y0][x0] * (1 - fx) + map[y0][x1] * fx;
                double bottom = map[y1][x0] * (1 - fx) + map[y1][x1] * fx;
                out[y][x] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }

    private static double source(int o, int in, int out, boolean alignCorners) {
        double s;
        if (alignCorners) {
            s = out == 1 ? 0 : o * (in - 1.0) / (out - 1.0);
        } else {
            s = (o + 0.5) * in / out - 0.5;
        }
        return Math.max(0, Math.min(s, in - 1));
    }

    /** (U - min) / (max - min + eps) over the whole map. */
    static double[][] normalise(double[][] u, double eps) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : u) {
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double[][] out = new double[u.length][u[0].length];
        for (int y = 0; y < u.length; y++) {
            for (int x = 0; x < u[0].length; x++) {
                out[y][x] = (u[y][x] - min) / (max - min + eps);
            }
        }
        return out;
    }

    /** Softmax of one row of logits. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
