package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.ScoreRow;

/**
 * Recipro-CAM (Byun &amp; Lee 2022, the authors' ReciproCam with {@code mosaic_feature(..., is_gaussian=True)}):
 * for every cell b = i*w + j of the target layer, the head runs on a feature map that is zero except the
 * 3x3 neighbourhood of (i, j), which holds the centre's activation vector F[:, i, j] weighted by a Gaussian
 * (the head graph builds it). The softmax score of class c for cell b is the map's value at b; the authors
 * then min-max normalise. One batch of h*w head passes serves every class, whatever the convention.
 */
public final class ReciproCam implements SaliencyMethod {

    @Override
    public ItemKind itemKind() {
        return ItemKind.HEAD_CELL;
    }

    /** Every cell of the target layer, 0 .. h*w-1. */
    @Override
    public int[] channelsToScore(FrameFeatures frame, LayerShape layer, Convention convention, int maxChannels) {
        int[] cells = new int[layer.mapSize()];
        for (int b = 0; b < cells.length; b++) {
            cells[b] = b;
        }
        return cells;
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
