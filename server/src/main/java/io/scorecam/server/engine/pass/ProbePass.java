package io.scorecam.server.engine.pass;

import io.scorecam.server.engine.faithfulness.ProbeImage;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The faithfulness metrics' images as a batch kind: each item writes itself into the batch's direct input
 * buffer, and the feature session (no session of its own) runs asking only for the model's output, so no
 * activations are copied. Each result is the item's class probabilities [C] (the model's own output when
 * it already outputs probabilities: no second softmax).
 */
public final class ProbePass extends SessionPass<ProbeImage, float[]> {
    private final InferenceSession session;
    private final String inputName;
    private final String outputName;
    private final int inputChannels;
    private final int height;
    private final int width;
    private final boolean softmax;

    public ProbePass(String modelName, InferenceSession session, String inputName, String outputName, int inputChannels,
              int height, int width, boolean softmax, int maxBatch) {
        super(modelName + "/probes", maxBatch);
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputChannels = inputChannels;
        this.height = height;
        this.width = width;
        this.softmax = softmax;
    }

    @Override
    public List<float[]> run(List<ProbeImage> items) {
        int n = items.size();
        FloatTensor input = FloatTensor.allocate(n, inputChannels, height, width);
        FloatBuffer buffer = input.data().duplicate();
        int perImage = inputChannels * height * width;
        for (int i = 0; i < n; i++) {
            items.get(i).writeTo(buffer);
            if (buffer.position() != (i + 1) * perImage) {
                throw new IllegalStateException("probe image wrote " + (buffer.position() - i * perImage)
                        + " floats, expected " + perImage);
            }
        }
        FloatTensor outputs = session.run(Map.<String, Tensor>of(inputName, input), List.of(outputName))
                .get(outputName);
        List<float[]> results = new ArrayList<>(n);
        for (float[] o : rows(outputs, n)) {
            results.add(softmax ? Predictions.softmax(o) : o);
        }
        return results;
    }
}
