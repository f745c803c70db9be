package io.scorecam.server.inference.ort;

/**
 * The fixture tiny_cnn.onnx computed by hand with plain loops. The weight formulas are the ones in
 * tools/testmodels/make_backend_fixtures.py; keep the two in step.
 */
final class TinyCnnReference {
    static final int CIN = 2;
    static final int COUT = 3;
    static final int SIZE = 5;
    static final int CLASSES = 4;

    private TinyCnnReference() {
    }

    static double convWeight(int o, int i, int ky, int kx) {
        return ((o * 7 + i * 5 + ky * 3 + kx) % 11 - 5) / 10.0;
    }

    static double convBias(int o) {
        return 0.1 * (o - 1);
    }

    static double fcWeight(int k, int c) {
        return ((k * 3 + c) % 5 - 2) / 4.0;
    }

    static double fcBias(int k) {
        return 0.01 * k;
    }

    /** Relu(conv(x)) for one image x[CIN][SIZE][SIZE] (flattened), as [COUT][SIZE][SIZE] flattened. */
    static double[] features(float[] x, int offset) {
        double[] out = new double[COUT * SIZE * SIZE];
        for (int o = 0; o < COUT; o++) {
            for (int y = 0; y < SIZE; y++) {
                for (int xx = 0; xx < SIZE; xx++) {
                    double sum = convBias(o);
                    for (int i = 0; i < CIN; i++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int sy = y + ky - 1;
                                int sx = xx + kx - 1;
                                if (sy >= 0 && sy < SIZE && sx >= 0 && sx < SIZE) {
                                    sum += convWeight(o, i, ky, kx) * x[offset + (i * SIZE + sy) * SIZE + sx];
                                }
                            }
                        }
                    }
                    out[(o * SIZE + y) * SIZE + xx] = Math.max(0, sum);
                }
            }
        }
        return out;
    }

    static double[] logits(float[] x, int offset) {
        double[] f = features(x, offset);
        double[] pooled = new double[COUT];
        for (int o = 0; o < COUT; o++) {
            for (int p = 0; p < SIZE * SIZE; p++) {
                pooled[o] += f[o * SIZE * SIZE + p];
            }
            pooled[o] /= SIZE * SIZE;
        }
        double[] logits = new double[CLASSES];
        for (int k = 0; k < CLASSES; k++) {
            logits[k] = fcBias(k);
            for (int c = 0; c < COUT; c++) {
                logits[k] += fcWeight(k, c) * pooled[c];
            }
        }
        return logits;
    }
}
