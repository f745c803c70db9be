package io.scorecam.server.engine;

/**
 * The authors' {@code ReciproCam.mosaic_feature(..., is_gaussian=True)} transcribed loop for loop (no shared
 * code with the server): the masked feature map of cell b, [K, h, w] row-major, from F [K, h, w].
 */
final class ReferenceMosaic {
    private static final float[][] FILTER = {
        {1 / 16.0f, 1 / 8.0f, 1 / 16.0f},
        {1 / 8.0f, 1 / 4.0f, 1 / 8.0f},
        {1 / 16.0f, 1 / 8.0f, 1 / 16.0f}};

    private ReferenceMosaic() {
    }

    static float[] mosaic(float[] feature, int nc, int h, int w, int b) {
        float[] out = new float[nc * h * w];
        for (int i = 0; i < h; i++) {
            int kxS = Math.max(i - 1, 0);
            int kxE = Math.min(i + 1, h - 1);
            int sxS = i == 0 ? 1 : 0;
            for (int j = 0; j < w; j++) {
                int kyS = Math.max(j - 1, 0);
                int kyE = Math.min(j + 1, w - 1);
                int syS = j == 0 ? 1 : 0;
                if (b != i * w + j) {
                    continue;
                }
                // score_map = F[:, i, j] repeated 3x3 times the filter;
                // new_features[b, :, kx_s:kx_e+1, ky_s:ky_e+1] = score_map[:, sx_s:sx_e+1, sy_s:sy_e+1]
                for (int c = 0; c < nc; c++) {
                    float centre = feature[(c * h + i) * w + j];
                    for (int x = kxS; x <= kxE; x++) {
                        for (int y = kyS; y <= kyE; y++) {
                            out[(c * h + x) * w + y] = centre * FILTER[sxS + x - kxS][syS + y - kyS];
                        }
                    }
                }
            }
        }
        return out;
    }
}
