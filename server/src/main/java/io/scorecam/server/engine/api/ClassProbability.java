package io.scorecam.server.engine.api;

/** A class and its probability on the unmasked frame. */
public record ClassProbability(int classId, float probability) {
}
