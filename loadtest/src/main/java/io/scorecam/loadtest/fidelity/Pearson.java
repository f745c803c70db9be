package io.scorecam.loadtest.fidelity;

/** Pearson's correlation of two maps of the same size, as the fidelity of a fast method to exact Score-CAM. */
public final class Pearson {
    private Pearson() {
    }

    /**
     * @return r in [-1, 1], or NaN when either map is constant (an all-zero map has no direction to agree with)
     * @throws IllegalArgumentException when the lengths differ or are zero
     */
    public static double of(float[] a, float[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values cannot be correlated");
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
    }
}
