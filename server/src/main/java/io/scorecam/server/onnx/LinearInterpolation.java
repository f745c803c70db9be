package io.scorecam.server.onnx;

/**
 * ONNX Resize's 1-D linear interpolation as an [out, in] weight matrix, so that upsampling a small map is two
 * MatMuls (rows, then columns) instead of a Resize node: for maps of at most {@link ScoringGraphSpec#MATMUL_UPSAMPLE_MAX}
 * cells a side, ORT's GEMM does it in a fraction of Resize's time (loadtest/RESULTS.md, session 5). Each row
 * has the same two taps and weights as Resize's {@code mode=linear} (clamped at the borders), so the result is
 * the same bilinear map up to float rounding.
 */
final class LinearInterpolation {
    private LinearInterpolation() {
    }

    /** Row o holds the weights of output cell o over the {@code in} input cells. */
    static float[] weights(int out, int in, boolean alignCorners) {
        if (out <= 0 || in <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + out + " from " + in);
        }
        float[] w = new float[out * in];
        float scale = (float) out / in;
        for (int o = 0; o < out; o++) {
            float x;
            if (alignCorners) {
                x = out == 1 ? 0f : o * (float) (in - 1) / (out - 1);
            } else {
                x = (o + 0.5f) / scale - 0.5f;
            }
            x = Math.max(0f, Math.min(x, in - 1));
            int x0 = (int) Math.floor(x);
            int x1 = Math.min(x0 + 1, in - 1);
            float dx = x - x0;
            w[o * in + x0] += 1f - dx;
            w[o * in + x1] += dx;
        }
        return w;
    }

    /** The [in, out] transpose of {@link #weights}: the right-hand factor that interpolates columns. */
    static float[] transposedWeights(int out, int in, boolean alignCorners) {
        float[] w = weights(out, in, alignCorners);
        float[] t = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        return t;
    }
}
