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
    /** Per batch worker: the input buffer, reused batch after batch (ORT reads it in place during a run). */
    private final ThreadLocal<FloatBuffer> input = new ThreadLocal<>();

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
        FloatBuffer buffer = input(n * inputChannels * height * width);
        for (float[] frame : frames) {
            buffer.put(frame);
        }
        FloatTensor batch = new FloatTensor(new long[] {n, inputChannels, height, width}, buffer.flip());
        Map<String, FloatTensor> out = session.run(Map.<String, Tensor>of(inputName, batch),
                List.of(outputName, layerName));
        float[][] outputs = rows(out.get(outputName), n);
        float[][] layer = rows(out.get(layerName), n);
        List<FeatureOutput> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new FeatureOutput(outputs[i], layer[i]));
        }
        return results;
    }

    /**
     * This thread's input buffer, cleared, for {@code floats} values; grown when a batch is larger than any
     * before. A fresh direct buffer per batch cost an allocation, a zero fill and a cleaner per frame
     * (600 KB at 224x224).
     */
    private FloatBuffer input(int floats) {
        FloatBuffer b = input.get();
        if (b == null || b.capacity() < floats) {
            b = FloatTensor.allocate(floats).data();
            input.set(b);
        }
        return b.duplicate().clear();
    }
}
