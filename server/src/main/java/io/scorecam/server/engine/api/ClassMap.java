package io.scorecam.server.engine.api;

/**
 * The saliency map of one class.
 *
 * @param values      row-major width x height values in [0,1] (ReLU'd map / rawMax; GRAD_CAM_LIB: pytorch-grad-cam's scaling)
 * @param rawMax      maximum of the ReLU'd map before scaling; 0 when the map is all zeros
 * @param probability probability of the class on the unmasked frame
 * @param classAgnostic the method gives every class this same map (EIGEN_CAM)
 * @param faithfulness  the map's faithfulness metrics; null unless requested
 */
public record ClassMap(int classId, float probability, int width, int height, float[] values, float rawMax,
                       boolean classAgnostic, Faithfulness faithfulness) {

    public ClassMap(int classId, float probability, int width, int height, float[] values, float rawMax) {
        this(classId, probability, width, height, values, rawMax, false, null);
    }

    public ClassMap withFaithfulness(Faithfulness f) {
        return new ClassMap(classId, probability, width, height, values, rawMax, classAgnostic, f);
    }
}
