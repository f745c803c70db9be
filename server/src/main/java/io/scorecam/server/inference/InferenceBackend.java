package io.scorecam.server.inference;

/** Opens sessions on one device. Implementations keep their engine types (DJL, ORT) to themselves. */
public interface InferenceBackend extends AutoCloseable {

    /**
     * Loads a serialized ONNX model.
     *
     * @param onnxModel the ModelProto bytes (e.g. a model after graph surgery)
     * @param name      a name for logs and error messages (e.g. "shapes/scoring-SEED")
     * @throws io.scorecam.server.errors.ScoreCamException naming the model when it cannot be loaded
     */
    InferenceSession open(byte[] onnxModel, String name);

    /** The device sessions run on, e.g. "cpu" or "cuda:0". */
    String device();

    @Override
    void close();
}
