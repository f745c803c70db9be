package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.image.Bilinear;

/**
 * Turns a layer-resolution map into the returned map, the same for every method:
 * SEED / OFFICIAL: upsample (half-pixel bilinear), ReLU, divide by the maximum (all-zero stays zero);
 * GRAD_CAM_LIB: exactly pytorch-grad-cam's scaling: ReLU, (x - min) / (max + 1e-7) at layer resolution,
 * cv2-style half-pixel resize to the input size, ReLU, (x - min) / (max + 1e-7) again.
 */
public final class MapFinisher {
    private static final float GRAD_CAM_EPS = 1e-7f;

    private MapFinisher() {
    }

    /** A finished map and the maximum of the ReLU'd map before scaling. */
    public record Finished(float[] values, int width, int height, float rawMax) { }

    /**
     * @param atLayerSize return the map at layer resolution instead of the model input's
     */
    public static Finished finish(float[] layerMap, int layerWidth, int layerHeight, int inputWidth, int inputHeight,
                                  Convention convention, boolean atLayerSize) {
        if (convention == Convention.GRAD_CAM_LIB) {
            float[] cam = layerMap.clone();
            float rawMax = relu(cam);
            scaleLikeGradCam(cam);
            if (atLayerSize) {
                scaleLikeGradCam(cam);
                return new Finished(cam, layerWidth, layerHeight, rawMax);
            }
            float[] up = Bilinear.resize(cam, layerWidth, layerHeight, inputWidth, inputHeight, false);
            relu(up);
            scaleLikeGradCam(up);
            return new Finished(up, inputWidth, inputHeight, rawMax);
        }
        float[] map = atLayerSize ? layerMap.clone()
                : Bilinear.resize(layerMap, layerWidth, layerHeight, inputWidth, inputHeight, false);
        float rawMax = relu(map);
        if (rawMax > 0) {
            for (int i = 0; i < map.length; i++) {
                map[i] /= rawMax;
            }
        }
        return atLayerSize ? new Finished(map, layerWidth, layerHeight, rawMax)
                : new Finished(map, inputWidth, inputHeight, rawMax);
    }

    /** In place max(x, 0); returns the maximum (0 for an all-negative map). NaN-free input stays NaN-free. */
    static float relu(float[] x) {
        float max = 0;
        for (int i = 0; i < x.length; i++) {
            float v = x[i] > 0 ? x[i] : 0;
            x[i] = v;
            max = Math.max(max, v);
        }
        return max;
    }

    /** pytorch-grad-cam's scale_cam_image: img - min(img), then / (1e-7 + max). */
    static void scaleLikeGradCam(float[] x) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            x[i] -= min;
            max = Math.max(max, x[i]);
        }
        float denom = GRAD_CAM_EPS + max;
        for (int i = 0; i < x.length; i++) {
            x[i] /= denom;
        }
    }
}
