package io.scorecam.server.inference;

import java.util.List;
import java.util.Map;

/**
 * One loaded ONNX graph. Safe to call {@link #run} from several threads at once (ORT sessions are).
 * This is the seam for other backends (e.g. a remote KServe v2 / Triton client).
 */
public interface InferenceSession extends AutoCloseable {

    List<TensorInfo> inputs();

    List<TensorInfo> outputs();

    /**
     * Runs the graph. Returns the requested outputs, copied out of the backend, as float tensors.
     *
     * @throws io.scorecam.server.errors.ScoreCamException with code INTERNAL when the backend fails
     */
    Map<String, FloatTensor> run(Map<String, Tensor> inputs, List<String> outputNames);

    @Override
    void close();
}
