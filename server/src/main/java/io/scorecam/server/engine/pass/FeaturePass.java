package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Session A as a batch kind: preprocessed frames in, the model's output and the target layer out.
 * Each item is one frame's [3,H,W] tensor; each result a {@link FeatureOutput}.
 */
public final class FeaturePass extends SessionPass<float[], FeaturePass.FeatureOutput> {
    /** Raw output [C] and activations [K*h*w] of one frame. */
    public record FeatureOutput(float[] outputs, float[] activations) { }

    private final InferenceSession session;
    private final String inputName;
    private final String outputName;
    private final String layerName;
    private final int inputChannels;
    private final int height;
    private final int width;

    public FeaturePass(String modelName, InferenceSession session, String inputName, String outputName, String layerName,
                int inputChannels, int height, int width, int maxBatch) {
        super(modelName + "/features", maxBatch);
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.layerName = layerName;
        this.inputChannels = inputChannels;
        this.height = height;
        this.width = width;
    }

    /** Every masked pass of a frame waits for its feature pass: run it first, without waiting to fill a batch. */
    @Override
    public boolean leads() {
        return true;
    }

    @Override
    public List<FeatureOutput> run(List<float[]> frames) {
        int n = frames.size();
        FloatTensor input = FloatTensor.allocate(n, inputChannels, height, width);
        FloatBuffer buffer = input.data().duplicate();
        for (float[] frame : frames) {
            buffer.put(frame);
        }
        Map<String, FloatTensor> out = session.run(Map.<String, Tensor>of(inputName, input),
                List.of(outputName, layerName));
        float[][] outputs = rows(out.get(outputName).toArray(), n);
        float[][] layer = rows(out.get(layerName).toArray(), n);
        List<FeatureOutput> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new FeatureOutput(outputs[i], layer[i]));
        }
        return results;
    }
}
