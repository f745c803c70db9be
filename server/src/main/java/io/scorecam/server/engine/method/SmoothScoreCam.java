package io.scorecam.server.engine.method;

import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ScoringPass;

/**
 * Smoothed Score-CAM (Wang et al. 2020, SS-CAM, "smoothing the mask"; torch-cam's SSCAM): channel k's weight
 * is the mean score of n passes of the frame multiplied by its normalised mask plus N(0, sigma^2) noise at input
 * resolution, the same noise for the three colour channels. The convention then combines the weights exactly as
 * for exact Score-CAM (under GRAD_CAM_LIB: softmax over channels of the mean raw score, which is torch-cam's
 * softmax of the mean score increase, the baseline cancelling in the softmax). The noise is seeded by the
 * frame's content, so a frame always gets the same map.
 */
public final class SmoothScoreCam extends ScoreCam {

    @Override
    public Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params) {
        return new Need<>(new ScoringPass.Smoothed(params.convention(), params.ssSamples(), params.ssSigma()),
                allUseful(frame, layer.channels(), params.convention()));
    }
}
