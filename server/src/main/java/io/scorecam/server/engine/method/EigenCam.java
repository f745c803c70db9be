package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ScoreRow;

/**
 * Eigen-CAM (Muhammad & Yeasin 2020, as pytorch-grad-cam's get_2d_projection): the activations as an
 * (h*w) x K matrix, centred per channel, projected on their first principal component. One pass, no
 * masked passes, and the same map for every class. The sign of a principal component is arbitrary;
 * it is chosen so the map correlates positively with the channel-summed activations (what the layer
 * responds to), which is what makes the ReLU'd map meaningful.
 */
public final class EigenCam implements SaliencyMethod {
    private static final int MAX_ITERATIONS = 300;
    private static final double TOLERANCE = 1e-12;

    @Override
    public Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params) {
        return Need.none();
    }

    @Override
    public boolean classAgnostic() {
        return true;
    }

    @Override
    public float[] layerMap(FrameFeatures frame, LayerShape layer, ScoreRow[] rows, int[] channels, int classId,
                            Convention convention) {
        int k = layer.channels();
        int n = layer.mapSize();
        double[][] x = centred(frame.activations(), k, n);
        // top eigenvector of the smaller Gram matrix: X^T X (K x K) or X X^T (n x n); X v = sigma u
        double[] projection;
        if (k <= n) {
            double[] v = topEigenvector(gram(x, n, k, true));
            projection = new double[n];
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < k; c++) {
                    projection[p] += x[p][c] * v[c];
                }
            }
        } else {
            double[][] g = gram(x, n, k, false);
            double[] u = topEigenvector(g);
            double lambda = rayleigh(g, u);
            projection = new double[n];
            for (int p = 0; p < n; p++) {
                projection[p] = u[p] * Math.sqrt(Math.max(lambda, 0));
            }
        }
        orient(projection, frame.activations(), k, n);
        float[] out = new float[n];
        for (int p = 0; p < n; p++) {
            out[p] = (float) projection[p];
        }
        return out;
    }

    /** (h*w) x K matrix of activations minus each channel's mean. */
    private static double[][] centred(float[] a, int k, int n) {
        double[][] x = new double[n][k];
        for (int c = 0; c < k; c++) {
            double mean = 0;
            for (int p = 0; p < n; p++) {
                mean += a[c * n + p];
            }
            mean /= n;
            for (int p = 0; p < n; p++) {
                x[p][c] = a[c * n + p] - mean;
            }
        }
        return x;
    }

    private static double[][] gram(double[][] x, int n, int k, boolean channels) {
        int d = channels ? k : n;
        double[][] g = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double s = 0;
                if (channels) {
                    for (int p = 0; p < n; p++) {
                        s += x[p][i] * x[p][j];
                    }
                } else {
                    for (int c = 0; c < k; c++) {
                        s += x[i][c] * x[j][c];
                    }
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        return g;
    }

    /** Power iteration from a fixed start (deterministic); a zero matrix gives a zero vector. */
    static double[] topEigenvector(double[][] g) {
        int d = g.length;
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = 1.0 + 0.01 * i; // not orthogonal to the top eigenvector in practice
        }
        normalise(v);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] next = new double[d];
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += g[i][j] * v[j];
                }
                next[i] = s;
            }
            if (normalise(next) == 0) {
                return next;
            }
            double diff = 0;
            for (int i = 0; i < d; i++) {
                diff += (next[i] - v[i]) * (next[i] - v[i]);
            }
            v = next;
            if (diff < TOLERANCE) {
                break;
            }
        }
        return v;
    }

    private static double rayleigh(double[][] g, double[] u) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u.length; j++) {
                s += u[i] * g[i][j] * u[j];
            }
        }
        return s;
    }

    private static double normalise(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
        return norm;
    }

    /** Flips the projection to correlate positively with the channel-summed activation map. */
    private static void orient(double[] projection, float[] a, int k, int n) {
        double[] total = new double[n];
        double mean = 0;
        for (int c = 0; c < k; c++) {
            for (int p = 0; p < n; p++) {
                total[p] += a[c * n + p];
            }
        }
        for (double t : total) {
            mean += t / n;
        }
        double dot = 0;
        for (int p = 0; p < n; p++) {
            dot += projection[p] * (total[p] - mean);
        }
        if (dot < 0) {
            for (int p = 0; p < n; p++) {
                projection[p] = -projection[p];
            }
        }
    }
}
