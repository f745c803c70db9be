package io.scorecam.server.engine.api;

/**
 * Which published Score-CAM implementation the exact method reproduces (README.md and docs/architecture.md, "Conventions").
 * The first three fields decide the masked images and their scores, so they are part of the cache key.
 */
public enum Convention {
    /** The seed article: half-pixel bilinear, (U-min)/(max-min+1e-5), softmax probability. */
    SEED(false, 1e-5f, true),
    /** haofanwang/Score-CAM: half-pixel, (U-min)/(max-min), constant channels skipped, softmax probability. */
    OFFICIAL(false, 0f, true),
    /** pytorch-grad-cam: align_corners, (U-min)/(max-min+1e-8), raw logit, softmax over the K channels. */
    GRAD_CAM_LIB(true, 1e-8f, false);

    private final boolean alignCorners;
    private final float normEps;
    private final boolean softmaxScores;

    Convention(boolean alignCorners, float normEps, boolean softmaxScores) {
        this.alignCorners = alignCorners;
        this.normEps = normEps;
        this.softmaxScores = softmaxScores;
    }

    /** Bilinear upsampling of the activation maps uses align_corners (else half_pixel). */
    public boolean alignCorners() {
        return alignCorners;
    }

    /** eps in (U - min) / (max - min + eps); 0 means none (constant channels are skipped). */
    public float normEps() {
        return normEps;
    }

    /** Scores are softmax probabilities over classes (else the raw model output). */
    public boolean softmaxScores() {
        return softmaxScores;
    }
}
