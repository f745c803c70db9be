package io.scorecam.server.engine.pass;

/**
 * What the feature pass learned about one preprocessed frame; shared by every class, convention and
 * method asked of that frame (and cached).
 *
 * @param input       the preprocessed frame, [3,H,W] row-major (the scoring graph masks it)
 * @param activations the target layer, [K,h,w] row-major
 * @param outputs     the model's raw output on the unmasked frame, [C]
 * @param probs       class probabilities on the unmasked frame, [C] (softmax of outputs for LOGITS models)
 * @param channelMin  per-channel minimum of the activations at layer resolution, [K]
 * @param channelMax  per-channel maximum, [K]
 */
public record FrameFeatures(float[] input,
                            float[] activations,
                            float[] outputs,
                            float[] probs,
                            float[] channelMin,
                            float[] channelMax) {

    /** A channel whose map is constant carries no spatial information; some conventions skip it. */
    public boolean isConstant(int channel) {
        return channelMax[channel] == channelMin[channel];
    }

    public long bytes() {
        return 4L * (input.length + activations.length + outputs.length + probs.length
                + channelMin.length + channelMax.length) + 96;
    }
}
