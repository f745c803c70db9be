package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;

/**
 * A request's settings that methods read, defaults already applied.
 *
 * @param maxChannels FASTER_SCORE_CAM: channels to score
 */
public record MethodParams(Convention convention, int maxChannels) {
}
