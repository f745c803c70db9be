package io.scorecam.server.onnx;

import io.scorecam.server.errors.ScoreCamException;

/**
 * What the fused scoring graph needs to know about the model and the convention.
 *
 * @param modelInput    the model's image input (replaced by the masked frames)
 * @param modelOutput   the model's class output ([B, classes] or anything flattening to it)
 * @param inputHeight   H of the model input the maps are upsampled to
 * @param inputWidth    W of the model input
 * @param alignCorners  bilinear align_corners instead of half_pixel
 * @param normEps       eps in (U - min) / (max - min + eps); 0 adds nothing
 * @param appendSoftmax Softmax over classes after the model (false when it already outputs probabilities)
 * @param perturbation  what is done to each normalised mask before it multiplies its frame
 */
public record ScoringGraphSpec(String modelInput, String modelOutput, int inputHeight, int inputWidth,
                               boolean alignCorners, float normEps, boolean appendSoftmax, Perturbation perturbation) {

    /** What the graph does to each item's normalised mask M (extra per-item inputs). */
    public enum Perturbation {
        /** M as it is (exact Score-CAM). */
        NONE,
        /** M * s with a scale s per item, input {@link GraphSurgery#MASK_SCALE} [B,1,1,1] (Integrated Score-CAM). */
        SCALE,
        /** M + n with noise n per item, input {@link GraphSurgery#MASK_NOISE} [B,1,H,W] (Smoothed Score-CAM). */
        NOISE
    }

    /** The exact graph: masks as they are. */
    public ScoringGraphSpec(String modelInput, String modelOutput, int inputHeight, int inputWidth,
                            boolean alignCorners, float normEps, boolean appendSoftmax) {
        this(modelInput, modelOutput, inputHeight, inputWidth, alignCorners, normEps, appendSoftmax, Perturbation.NONE);
    }

    public ScoringGraphSpec {
        if (perturbation == null) {
            throw ScoreCamException.invalid("scoring graph: perturbation is required (NONE for exact masks)");
        }
        if (modelInput == null || modelInput.isEmpty() || modelOutput == null || modelOutput.isEmpty()) {
            throw ScoreCamException.invalid("scoring graph: model input and output names are required");
        }
        if (inputHeight <= 0 || inputWidth <= 0) {
            throw ScoreCamException.invalid("scoring graph: input size must be positive: " + inputHeight + "x" + inputWidth);
        }
        if (!(normEps >= 0) || Float.isInfinite(normEps)) {
            throw ScoreCamException.invalid("scoring graph: normEps must be a finite value >= 0: " + normEps);
        }
    }
}
