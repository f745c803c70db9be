package io.scorecam.server.onnx;

import io.scorecam.server.errors.ScoreCamException;

/**
 * What the head graph (Recipro-CAM's split of the model at the target layer) needs to know.
 *
 * @param targetTensor  the float feature map [N, K, h, w] the head starts from
 * @param modelOutput   the model's class output ([B, classes] or anything flattening to it)
 * @param channels      K of the target layer
 * @param height        h of the target layer
 * @param width         w of the target layer
 * @param appendSoftmax Softmax over classes after the head (false when the model outputs probabilities)
 */
public record HeadGraphSpec(String targetTensor, String modelOutput, int channels, int height, int width,
                            boolean appendSoftmax) {
    public HeadGraphSpec {
        if (targetTensor == null || targetTensor.isEmpty() || modelOutput == null || modelOutput.isEmpty()) {
            throw ScoreCamException.invalid("head graph: target tensor and model output names are required");
        }
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw ScoreCamException.invalid("head graph: layer shape must be positive: " + channels + "x"
                    + height + "x" + width);
        }
    }
}
