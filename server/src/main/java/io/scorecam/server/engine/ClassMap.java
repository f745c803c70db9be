package io.scorecam.server.engine;

/**
 * The saliency map of one class.
 *
 * @param values      row-major width x height values in [0,1] (ReLU'd map / rawMax; GRAD_CAM_LIB: pytorch-grad-cam's scaling)
 * @param rawMax      maximum of the ReLU'd map before scaling; 0 when the map is all zeros
 * @param probability probability of the class on the unmasked frame
 */
public record ClassMap(int classId, float probability, int width, int height, float[] values, float rawMax) {
}
