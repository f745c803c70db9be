package io.scorecam.server.image;

/**
 * OpenCV's COLORMAP_JET, the colours pytorch-grad-cam paints CAMs with (cv2.applyColorMap).
 * The table is rebuilt the way OpenCV builds it, so every entry matches to the last bit: a 256-point
 * jet base map (piecewise linear ramps of slope 4/255), interpolated in float32 at 256 float32
 * positions, then scaled by 255 and rounded half to even. The float steps matter: a few entries that
 * are exactly .5 on paper land on the other side (e.g. blue at 159 is 1, not 2).
 */
public final class Colormap {
    private static final byte[] JET = buildJet();

    private Colormap() {
    }

    /** JET colour of an 8-bit value as {r, g, b}, each 0..255. */
    public static int[] jet(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("colormap index must be 0..255, got " + value);
        }
        int o = value * 3;
        return new int[] {JET[o] & 0xFF, JET[o + 1] & 0xFF, JET[o + 2] & 0xFF};
    }

    /** Colours n 8-bit values: interleaved RGB8, 3n bytes. */
    public static byte[] jet(byte[] values) {
        byte[] rgb = new byte[values.length * 3];
        for (int i = 0, o = 0; i < values.length; i++, o += 3) {
            int k = (values[i] & 0xFF) * 3;
            rgb[o] = JET[k];
            rgb[o + 1] = JET[k + 1];
            rgb[o + 2] = JET[k + 2];
        }
        return rgb;
    }

    private static byte[] buildJet() {
        // x positions: OpenCV's linspace(0, 1, 256) in float32
        float step = 1f / 255;
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) {
            x[i] = 0f + i * step;
        }
        // base ramps in units of 1/255: red rises from 96, green from 32, blue starts at 127.5/255
        float[][] base = new float[3][256];
        for (int i = 0; i < 256; i++) {
            base[0][i] = ramp(Math.min(4.0 * i - 382.5, 1147.5 - 4.0 * i));
            base[1][i] = ramp(Math.min(4.0 * i - 127.5, 892.5 - 4.0 * i));
            base[2][i] = ramp(Math.min(4.0 * i + 127.5, 637.5 - 4.0 * i));
        }
        byte[] lut = new byte[256 * 3];
        for (int c = 0; c < 3; c++) {
            float[] y = base[c];
            for (int i = 0; i < 256; i++) {
                // OpenCV's interp1 at a query equal to a knot: low = i-1, high = i (low = 0, high = 1 at 0)
                int lo = i == 0 ? 0 : i - 1;
                int hi = i == 0 ? 1 : i;
                float v = y[lo] + ((x[i] - x[lo]) * (y[hi] - y[lo])) / (x[hi] - x[lo]);
                lut[i * 3 + c] = (byte) Math.max(0, Math.min(255, Math.rint(v * 255f)));
            }
        }
        return lut;
    }

    private static float ramp(double numerator) {
        return (float) (Math.max(0, Math.min(255, numerator)) / 255.0);
    }
}
