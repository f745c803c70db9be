package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.HeadPass;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ModelContext;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.errors.ScoreCamException;

/**
 * Recipro-CAM (Byun &amp; Lee 2022, the authors' ReciproCam with {@code mosaic_feature(..., is_gaussian=True)}):
 * for every cell b = i*w + j of the target layer, the head runs on a feature map that is zero except the
 * 3x3 neighbourhood of (i, j), which holds the centre's activation vector F[:, i, j] weighted by a Gaussian
 * (the head graph builds it). The softmax score of class c for cell b is the map's value at b; the authors
 * then min-max normalise. One batch of h*w head passes serves every class, whatever the convention.
 */
public final class ReciproCam implements SaliencyMethod {

    private static final HeadPass.Rows HEAD = new HeadPass.Rows();

    /** Every cell of the target layer, 0 .. h*w-1, through the head pass. */
    @Override
    public Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params) {
        int[] cells = new int[layer.mapSize()];
        for (int b = 0; b < cells.length; b++) {
            cells[b] = b;
        }
        return new Need<>(HEAD, cells);
    }

    /** A model whose head also reads the image around the target layer cannot be split there. */
    @Override
    public ScoreCamException unavailable(ModelContext model) {
        return HEAD.unavailable(model);
    }

    /** Head passes run only the layers after the target layer. */
    @Override
    public boolean fullModelPasses() {
        return false;
    }

    /**
     * p_b[c] - min_b p_b[c]: the finisher's ReLU and division by the maximum then give the authors'
     * (cam - min) / (max - min) at layer resolution; a constant map becomes all zeros, not NaN.
     */
    @Override
    public float[] layerMap(FrameFeatures frame, LayerShape layer, ScoreRow[] rows, int[] channels, int classId,
                            Convention convention) {
        int n = layer.mapSize();
        float min = Float.POSITIVE_INFINITY;
        for (int b = 0; b < n; b++) {
            min = Math.min(min, rows[b].scores()[classId]);
        }
        float[] map = new float[n];
        for (int b = 0; b < n; b++) {
            map[b] = rows[b].scores()[classId] - min;
        }
        return map;
    }
}
