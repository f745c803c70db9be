package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.errors.ScoreCamException;

/**
 * A request's settings that methods read, defaults applied and checked.
 *
 * @param maxChannels FASTER_SCORE_CAM: channels to score
 * @param ssSamples   SS_CAM: noisy masks per channel
 * @param ssSigma     SS_CAM: standard deviation of the noise added to the normalised mask
 * @param isSteps     IS_CAM: integration steps per channel
 */
public record MethodParams(Convention convention, int maxChannels, int ssSamples, float ssSigma, int isSteps) {
    /** Smoothed Score-CAM's defaults: N = 35 samples, sigma = 2 (Wang et al. 2020, SS-CAM). */
    public static final int DEFAULT_SS_SAMPLES = 35;
    public static final float DEFAULT_SS_SIGMA = 2.0f;
    /** Integrated Score-CAM's default: N = 10 steps (Naidu et al. 2020, IS-CAM). */
    public static final int DEFAULT_IS_STEPS = 10;
    /** Bound on samples and steps: each multiplies a frame's forward passes. */
    public static final int MAX_SAMPLES = 256;

    /** Only what the exact methods read; the SS/IS settings at their defaults. */
    public MethodParams(Convention convention, int maxChannels) {
        this(convention, maxChannels, DEFAULT_SS_SAMPLES, DEFAULT_SS_SIGMA, DEFAULT_IS_STEPS);
    }

    /** Applies the defaults to a request's values (0: default) and checks them, naming the bad one. */
    public static MethodParams resolve(Convention convention, int maxChannels, int ssSamples, float ssSigma,
                                       int isSteps) {
        if (ssSamples < 0 || ssSamples > MAX_SAMPLES) {
            throw ScoreCamException.invalid("ss_samples must be 0 (default " + DEFAULT_SS_SAMPLES + ") .. "
                    + MAX_SAMPLES + ", got " + ssSamples);
        }
        if (!(ssSigma >= 0) || Float.isInfinite(ssSigma)) {
            throw ScoreCamException.invalid("ss_sigma must be a finite value >= 0 (0: default " + DEFAULT_SS_SIGMA
                    + "), got " + ssSigma);
        }
        if (isSteps < 0 || isSteps > MAX_SAMPLES) {
            throw ScoreCamException.invalid("is_steps must be 0 (default " + DEFAULT_IS_STEPS + ") .. "
                    + MAX_SAMPLES + ", got " + isSteps);
        }
        return new MethodParams(convention, maxChannels, ssSamples == 0 ? DEFAULT_SS_SAMPLES : ssSamples,
                ssSigma == 0 ? DEFAULT_SS_SIGMA : ssSigma, isSteps == 0 ? DEFAULT_IS_STEPS : isSteps);
    }
}
