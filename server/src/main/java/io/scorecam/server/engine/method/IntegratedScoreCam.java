package io.scorecam.server.engine.method;

import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ScoringPass;

/**
 * Integrated Score-CAM (Naidu et al. 2020, IS-CAM): channel k's weight integrates the score of the frame
 * multiplied by its normalised mask scaled from 0 to 1, as the right Riemann sum (1/n) sum_{i=1..n} S(X * (i/n) M_k).
 * (torch-cam's ISCAM multiplies by a running sum of i/n instead, which exceeds 1 after two steps; the paper's
 * integral from 0 to the mask is what this follows.) The convention then combines the weights as for exact
 * Score-CAM. With n = 1 it is exact Score-CAM.
 */
public final class IntegratedScoreCam extends ScoreCam {

    @Override
    public Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params) {
        return new Need<>(new ScoringPass.Integrated(params.convention(), params.isSteps()),
                allUseful(frame, layer.channels(), params.convention()));
    }
}
