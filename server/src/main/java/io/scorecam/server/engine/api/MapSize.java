package io.scorecam.server.engine.api;

/** Resolution of a returned map. */
public enum MapSize {
    /** The model's input width x height. */
    MODEL_INPUT,
    /** The frame's own size: the model's resize/crop undone. */
    ORIGINAL,
    /** The target layer's h x w. */
    LAYER
}
