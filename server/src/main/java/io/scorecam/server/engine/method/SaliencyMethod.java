package io.scorecam.server.engine.method;

import io.scorecam.server.engine.Convention;
import io.scorecam.server.engine.FrameFeatures;
import io.scorecam.server.engine.ScoreRow;

/**
 * The one seam CAM methods plug into (like pytorch-grad-cam's get_cam_weights): which masked passes a
 * method needs, and how it turns their scores into a map at the target layer's resolution. Upsampling,
 * ReLU and scaling are shared ({@link MapFinisher}).
 */
public interface SaliencyMethod {

    /**
     * Channels whose masked passes this method needs for a frame (empty: none). Classes do not matter:
     * one set of passes serves every class.
     */
    int[] channelsToScore(FrameFeatures frame, LayerShape layer, Convention convention, int maxChannels);

    /**
     * The combined map of one class at layer resolution, before ReLU.
     *
     * @param rows score rows indexed by channel (null for channels that were not scored)
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
