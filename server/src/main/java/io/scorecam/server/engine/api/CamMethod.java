package io.scorecam.server.engine.api;

/** How a saliency map is computed (see the CAM method seam in {@code engine.method}). */
public enum CamMethod {
    SCORE_CAM,
    FASTER_SCORE_CAM,
    RECIPRO_CAM,
    EIGEN_CAM
}
