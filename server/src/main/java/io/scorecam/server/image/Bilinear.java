package io.scorecam.server.image;

/**
 * Bilinear resampling without antialiasing, in the two conventions the CAM libraries use:
 * half-pixel centres (cv2.resize INTER_LINEAR, ONNX Resize half_pixel) and align-corners
 * (torch UpsamplingBilinear2d). Samples outside the source are clamped to the edge.
 */
public final class Bilinear {
    private Bilinear() {
    }

    /**
     * For each destination index along one axis: the two source indices and the weight of the second.
     * Built once per axis and reused for every row/column and channel.
     */
    public record Taps(int[] lo, int[] hi, float[] weightHi) {
        public int size() {
            return lo.length;
        }
    }

    /** Taps for a whole axis of dstLen samples resampled from srcLen. */
    public static Taps taps(int srcLen, int dstLen, boolean alignCorners) {
        return taps(srcLen, dstLen, alignCorners, 0, dstLen);
    }

    /**
     * Taps for destination indices dstStart .. dstStart+count-1 of an axis resized from srcLen to dstLen
     * (a crop of the resized axis, without computing the rest).
     */
    public static Taps taps(int srcLen, int dstLen, boolean alignCorners, int dstStart, int count) {
        if (srcLen <= 0 || dstLen <= 0 || count < 0 || dstStart < 0 || dstStart + count > dstLen) {
            throw new IllegalArgumentException("bad resize axis: " + srcLen + " -> " + dstLen
                    + " [" + dstStart + ", +" + count + ")");
        }
        int[] lo = new int[count];
        int[] hi = new int[count];
        float[] w = new float[count];
        double scale = alignCorners
                ? (dstLen > 1 ? (srcLen - 1) / (double) (dstLen - 1) : 0)
                : srcLen / (double) dstLen;
        for (int i = 0; i < count; i++) {
            int d = dstStart + i;
            double s = alignCorners ? d * scale : (d + 0.5) * scale - 0.5;
            if (s < 0) {
                s = 0;
            }
            int i0 = (int) Math.floor(s);
            if (i0 >= srcLen - 1) {
                lo[i] = srcLen - 1;
                hi[i] = srcLen - 1;
                w[i] = 0f;
            } else {
                lo[i] = i0;
                hi[i] = i0 + 1;
                w[i] = (float) (s - i0);
            }
        }
        return new Taps(lo, hi, w);
    }

    /** Resizes one row-major float plane sw x sh to dw x dh. */
    public static float[] resize(float[] src, int sw, int sh, int dw, int dh, boolean alignCorners) {
        if (src.length != (long) sw * sh) {
            throw new IllegalArgumentException("plane of " + src.length + " values is not " + sw + "x" + sh);
        }
        float[] dst = new float[Math.multiplyExact(dw, dh)];
        resizeInto(src, sw, sh, 0, dst, dw, 0, taps(sw, dw, alignCorners), taps(sh, dh, alignCorners));
        return dst;
    }

    /**
     * Resamples a plane of src (width sw, starting at srcOffset) into dst (row width dstStride, starting at
     * dstOffset) using precomputed taps: xs.size() x ys.size() values are written.
     */
    public static void resizeInto(float[] src, int sw, int sh, int srcOffset,
                                  float[] dst, int dstStride, int dstOffset, Taps xs, Taps ys) {
        if (srcOffset < 0 || (long) srcOffset + (long) sw * sh > src.length) {
            throw new IllegalArgumentException("source plane " + sw + "x" + sh + " at " + srcOffset
                    + " does not fit in " + src.length + " values");
        }
        int dw = xs.size();
        int dh = ys.size();
        float[] row0 = new float[dw];
        float[] row1 = new float[dw];
        for (int y = 0; y < dh; y++) {
            horizontal(src, srcOffset + ys.lo()[y] * sw, xs, row0);
            horizontal(src, srcOffset + ys.hi()[y] * sw, xs, row1);
            float wy = ys.weightHi()[y];
            int out = dstOffset + y * dstStride;
            for (int x = 0; x < dw; x++) {
                dst[out + x] = row0[x] + (row1[x] - row0[x]) * wy;
            }
        }
    }

    private static void horizontal(float[] src, int rowStart, Taps xs, float[] out) {
        int[] lo = xs.lo();
        int[] hi = xs.hi();
        float[] w = xs.weightHi();
        for (int x = 0; x < out.length; x++) {
            float a = src[rowStart + lo[x]];
            out[x] = a + (src[rowStart + hi[x]] - a) * w[x];
        }
    }
}
