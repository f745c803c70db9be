package io.scorecam.server.engine.api;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.image.RgbImage;

import java.util.List;

/**
 * One frame to explain.
 *
 * @param model         model name; empty for the engine's default model
 * @param image         the decoded frame (any size: the engine resizes it for the model)
 * @param targetClasses classes to explain; empty: the topK predicted classes
 * @param topK          how many predicted classes to explain when targetClasses is empty (>= 1)
 * @param method        the CAM method (one registered in engine.method.Methods); null: SCORE_CAM
 * @param maxChannels   FASTER_SCORE_CAM only: channels to score (0: the engine's default)
 * @param wantMetrics   measure each map's faithfulness ({@link Faithfulness})
 * @param metricSteps   deletion / insertion steps (0: the engine's default)
 * @param ssSamples     SS_CAM: noisy masks per channel (0: the default, 35)
 * @param ssSigma       SS_CAM: standard deviation of the noise on the normalised mask (0: the default, 2.0)
 * @param isSteps       IS_CAM: integration steps per channel (0: the default, 10)
 */
public record FrameRequest(String model,
                           RgbImage image,
                           List<Integer> targetClasses,
                           int topK,
                           Method method,
                           Convention convention,
                           int maxChannels,
                           MapSize mapSize,
                           CancellationToken cancellation,
                           boolean wantMetrics,
                           int metricSteps,
                           int ssSamples,
                           float ssSigma,
                           int isSteps) {

    /** A request with the methods' own settings at their defaults. */
    public FrameRequest(String model, RgbImage image, List<Integer> targetClasses, int topK, Method method,
                        Convention convention, int maxChannels, MapSize mapSize, CancellationToken cancellation,
                        boolean wantMetrics, int metricSteps) {
        this(model, image, targetClasses, topK, method, convention, maxChannels, mapSize, cancellation, wantMetrics,
                metricSteps, 0, 0f, 0);
    }

    /** A request without faithfulness metrics. */
    public FrameRequest(String model, RgbImage image, List<Integer> targetClasses, int topK, Method method,
                        Convention convention, int maxChannels, MapSize mapSize, CancellationToken cancellation) {
        this(model, image, targetClasses, topK, method, convention, maxChannels, mapSize, cancellation, false, 0);
    }
}
