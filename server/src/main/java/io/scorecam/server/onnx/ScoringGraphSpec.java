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
 * @param mapHeight     h of the activation maps when known (0: unknown, the graph reads it from the input)
 * @param mapWidth      w of the activation maps when known (0: unknown)
 */
public record ScoringGraphSpec(String modelInput, String modelOutput, int inputHeight, int inputWidth,
                               boolean alignCorners, float normEps, boolean appendSoftmax, Perturbation perturbation,
                               int mapHeight, int mapWidth) {

    /**
     * Largest map side upsampled by two MatMuls instead of Resize. Measured (single-thread CPU time per masked
     * item, loadtest/RESULTS.md session 5): 7x7 to 224x224 costs 0.965 of the plain model's time by MatMul
     * against 0.936 by Resize, 24x24 to 96x96 0.965 against 0.958; a GEMM's work grows with the map side, so
     * larger maps keep Resize.
     */
    public static final int MATMUL_UPSAMPLE_MAX = 24;

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

    /** Map size unknown: the graph upsamples with Resize. */
    public ScoringGraphSpec(String modelInput, String modelOutput, int inputHeight, int inputWidth,
                            boolean alignCorners, float normEps, boolean appendSoftmax, Perturbation perturbation) {
        this(modelInput, modelOutput, inputHeight, inputWidth, alignCorners, normEps, appendSoftmax, perturbation, 0, 0);
    }

    /** Upsampling by MatMul needs the map size, and pays off only for small maps. */
    public boolean upsamplesByMatMul() {
        return mapHeight > 0 && mapWidth > 0 && mapHeight <= MATMUL_UPSAMPLE_MAX && mapWidth <= MATMUL_UPSAMPLE_MAX;
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
        if (mapHeight < 0 || mapWidth < 0) {
            throw ScoreCamException.invalid("scoring graph: map size must be positive or 0 (unknown): "
                    + mapHeight + "x" + mapWidth);
        }
        if (!(normEps >= 0) || Float.isInfinite(normEps)) {
            throw ScoreCamException.invalid("scoring graph: normEps must be a finite value >= 0: " + normEps);
        }
    }
}
