package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.ScoreRow;

/**
 * The one seam CAM methods plug into (like pytorch-grad-cam's get_cam_weights): which masked passes a
 * method needs, and how it turns their scores into a map at the target layer's resolution. Upsampling,
 * ReLU and scaling are shared ({@link MapFinisher}).
 */
public interface SaliencyMethod {

    /** What the items of {@link #channelsToScore} are, and so which passes score them. */
    enum ItemKind {
        /** Channel k: the fused scoring graph on the frame masked by channel k's upsampled map. */
        MASKED_INPUT,
        /** Cell b = i*w + j of the target layer: the model's head on the Recipro-CAM masked feature map. */
        HEAD_CELL
    }

    /**
     * Items (channels, or cells for {@link ItemKind#HEAD_CELL}) whose passes this method needs for a frame
     * (empty: none). Classes do not matter: one set of passes serves every class.
     */
    int[] channelsToScore(FrameFeatures frame, LayerShape layer, Convention convention, int maxChannels);

    default ItemKind itemKind() {
        return ItemKind.MASKED_INPUT;
    }

    /**
     * The combined map of one class at layer resolution, before ReLU.
     *
     * @param rows score rows indexed by item (null for items that were not scored)
     */
    float[] layerMap(FrameFeatures frame, LayerShape layer, ScoreRow[] rows, int[] channels, int classId,
                     Convention convention);

    /** The same map for every class (e.g. Eigen-CAM). */
    default boolean classAgnostic() {
        return false;
    }

    /** K, h, w of the target layer. */
    record LayerShape(int channels, int height, int width) {
        public int mapSize() {
            return height * width;
        }
    }
}
