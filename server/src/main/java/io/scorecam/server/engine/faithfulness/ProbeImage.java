package io.scorecam.server.engine.faithfulness;

import java.nio.FloatBuffer;

/**
 * One image to score, made only when its batch runs: it writes itself, [3,H,W] in the model's input space,
 * straight into the batch's input buffer, so queued probes hold no pixels of their own.
 */
public interface ProbeImage {

    /** Writes the image at dst's position and advances it by 3 * H * W floats. */
    void writeTo(FloatBuffer dst);
}
