package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.OnnxModel;

/**
 * What a {@link RowPass} needs from a loaded model to build its graph and open its session.
 *
 * @param batchSize the model's scoring batch size (tuned at load time unless configured)
 */
public record ModelContext(ModelConfig config, OnnxModel onnx, InferenceBackend backend, LayerShape layer,
                           String layerName, int classes, int batchSize) {

    public String name() {
        return config.name();
    }

    /** The model already ends in a softmax: scores that are probabilities need no second one. */
    public boolean outputsProbabilities() {
        return config.output().kind() == ModelConfig.OutputKind.PROBABILITIES;
    }

    public int inputHeight() {
        return config.input().height();
    }

    public int inputWidth() {
        return config.input().width();
    }

    /** Opens a session on a graph, named after the model and the pass (ORT logs, metrics). */
    public InferenceSession open(byte[] graph, String pass) {
        return backend.open(graph, name() + "/" + pass);
    }
}
