package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ModelContext;
import io.scorecam.server.engine.pass.RowPass;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.errors.ScoreCamException;

/**
 * The one seam CAM methods plug into (like pytorch-grad-cam's get_cam_weights): which rows of which pass
 * a method needs for a frame ({@link #need}), and how it turns their scores into a map at the target
 * layer's resolution ({@link #layerMap}). The engine claims, runs, batches and caches the rows; upsampling,
 * ReLU and scaling are shared ({@link MapFinisher}). A method is registered in {@link Methods}.
 */
public interface SaliencyMethod {

    /**
     * The rows of one pass a frame needs (classes do not matter: one set of rows serves every class).
     *
     * @param pass the kind of pass, which also keys the cached rows
     * @param rows the row indices (channels, cells, ...); empty: none
     */
    record Need<I>(RowPass<I> pass, int[] rows) {
        private static final Need<Void> NONE = new Need<>(null, new int[0]);

        /** No passes beyond the feature pass (e.g. Eigen-CAM). */
        public static Need<Void> none() {
            return NONE;
        }

        public boolean isEmpty() {
            return rows.length == 0;
        }
    }

    /** The rows this method needs for a frame. */
    Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params);

    /**
     * The combined map of one class at layer resolution, before ReLU.
     *
     * @param rows  score rows indexed by row (null for rows that were not asked for)
     * @param asked the rows {@link #need} asked for
     */
    float[] layerMap(FrameFeatures frame, LayerShape layer, ScoreRow[] rows, int[] asked, int classId,
                     Convention convention);

    /** The same map for every class (e.g. Eigen-CAM). */
    default boolean classAgnostic() {
        return false;
    }

    /** Why a model cannot be explained with this method (checked at load), or null when it can. */
    default ScoreCamException unavailable(ModelContext model) {
        return null;
    }

    /** Whether its forward passes are passes of the whole model (for efficiency figures; not Recipro-CAM's). */
    default boolean fullModelPasses() {
        return true;
    }
}
