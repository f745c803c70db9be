package io.scorecam.server.engine.api;

import java.util.List;

/**
 * The explanation of one frame.
 *
 * @param predictions   top classes on the unmasked frame, best first
 * @param maps          one map per explained class, in request order
 * @param forwardPasses model forward passes this frame cost (0 on a cache hit)
 * @param queueMs       time the frame's work waited in the batch queue
 * @param computeMs     time spent computing for this frame
 */
public record FrameResult(List<ClassProbability> predictions,
                          List<ClassMap> maps,
                          int forwardPasses,
                          double queueMs,
                          double computeMs) {
}
