package io.scorecam.server.engine.pass;

/**
 * The scoring graph's answer for one masked item (one channel of one frame).
 *
 * @param scores class scores of the masked frame, [C] (probabilities, or raw outputs for GRAD_CAM_LIB)
 * @param mapMin minimum of the channel's upsampled map (before normalisation)
 * @param mapMax maximum of the channel's upsampled map
 */
public record ScoreRow(float[] scores, float mapMin, float mapMax) {
}
