package io.scorecam.server.engine.pass;

/**
 * The scoring graph's answer for one masked item (one channel of one frame).
 *
 * @param scores class scores of the masked frame, [C] (probabilities, or raw outputs for GRAD_CAM_LIB)
 * @param mapMin minimum of the channel's upsampled map (before normalisation)
 * @param mapMax maximum of the channel's upsampled map
 */
public record ScoreRow(float[] scores, float mapMin, float mapMax) {

    /** The mean of several passes' scores of one map (the map's min and max are the first's: the same map). */
    public static ScoreRow mean(java.util.List<ScoreRow> rows) {
        int c = rows.get(0).scores().length;
        double[] sum = new double[c];
        for (ScoreRow r : rows) {
            float[] s = r.scores();
            for (int i = 0; i < c; i++) {
                sum[i] += s[i];
            }
        }
        float[] mean = new float[c];
        for (int i = 0; i < c; i++) {
            mean[i] = (float) (sum[i] / rows.size());
        }
        return new ScoreRow(mean, rows.get(0).mapMin(), rows.get(0).mapMax());
    }
}
