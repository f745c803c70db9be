package io.scorecam.server.inference.ort;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.LongTensor;
import io.scorecam.server.inference.RunChecks;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.inference.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * One ORT session behind DJL's {@link OrtSymbolBlock}. Runs share the session (ORT allows concurrent runs);
 * each run owns an NDManager that frees its native tensors when the run ends. A read/write lock keeps
 * {@link #close()} from freeing the session under a running call.
 */
final class DjlOrtSession implements InferenceSession {

    private final String name;
    private final Model model;
    private final OrtSymbolBlock block;
    private final SessionOptions sessionOptions;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    private final List<String> allOutputNames;
    private final RunChecks checks;
    private final Consumer<DjlOrtSession> onClose;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    DjlOrtSession(String name, Model model, OrtSymbolBlock block, OrtSession session, SessionOptions sessionOptions,
                  Consumer<DjlOrtSession> onClose) throws OrtException {
        this.name = name;
        this.model = model;
        this.block = block;
        this.sessionOptions = sessionOptions;
        this.onClose = onClose;
        this.inputs = OrtTensorInfos.convert(session.getInputInfo());
        this.outputs = OrtTensorInfos.convert(session.getOutputInfo());
        this.allOutputNames = outputs.stream().map(TensorInfo::name).toList();
        this.checks = new RunChecks(name, inputs, outputs);
    }

    @Override
    public List<TensorInfo> inputs() {
        return inputs;
    }

    @Override
    public List<TensorInfo> outputs() {
        return outputs;
    }

    /** An empty or null {@code outputNames} returns every output. */
    @Override
    public Map<String, FloatTensor> run(Map<String, Tensor> given, List<String> outputNames) {
        List<String> wanted = outputNames == null || outputNames.isEmpty() ? allOutputNames : outputNames;
        checks.checkInputs(given);
        checks.checkOutputs(wanted);
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, name + ": session is closed");
            }
            return forward(given, wanted);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private Map<String, FloatTensor> forward(Map<String, Tensor> given, List<String> wanted) {
        try (NDManager call = model.getNDManager().newSubManager()) {
            NDList list = new NDList(inputs.size());
            for (TensorInfo info : inputs) {
                NDArray array = toNd(call, given.get(info.name()));
                array.setName(info.name());
                list.add(array);
            }
            NDList result = block.forward(new ParameterStore(call, false), list, false);
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (String outputName : wanted) {
                out.put(outputName, copyOut(result.get(outputName)));
            }
            return out;
        } catch (ScoreCamException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ScoreCamException(ErrorCode.INTERNAL, name + ": " + ortMessage(e), e);
        }
    }

    /** Hands direct native-order buffers to ORT as they are; anything else is copied once into one. */
    static NDArray toNd(NDManager call, Tensor tensor) {
        Shape shape = new Shape(tensor.shape());
        if (tensor instanceof FloatTensor f) {
            FloatBuffer data = f.data().duplicate();
            if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
                FloatBuffer copy = ByteBuffer.allocateDirect(data.remaining() * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                copy.put(data).flip();
                data = copy;
            }
            return call.create(data, shape, DataType.FLOAT32);
        }
        LongBuffer data = ((LongTensor) tensor).data().duplicate();
        if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
            LongBuffer copy = ByteBuffer.allocateDirect(data.remaining() * Long.BYTES)
                    .order(ByteOrder.nativeOrder()).asLongBuffer();
            copy.put(data).flip();
            data = copy;
        }
        return call.create(data, shape, DataType.INT64);
    }

    /** One copy from ORT's output memory into a heap array; the native tensor dies with the call's manager. */
    private FloatTensor copyOut(NDArray array) {
        if (array == null) {
            throw new ScoreCamException(ErrorCode.INTERNAL, name + ": ONNX Runtime returned no such output");
        }
        OnnxTensor tensor = ((OrtNDArray) array).getTensor();
        if (tensor.getInfo().type != OnnxJavaType.FLOAT) {
            throw new ScoreCamException(ErrorCode.INTERNAL, name + ": output '" + array.getName() + "' is "
                    + tensor.getInfo().type + ", not float");
        }
        return new FloatTensor(tensor.getInfo().getShape(), tensor.getFloatBuffer());
    }

    /** DJL wraps ORT's exception; the user wants ORT's own words. */
    private static String ortMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OrtException) {
                return t.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            model.close(); // closes the manager, which closes the block and its ORT session
            sessionOptions.close();
        } finally {
            lifecycle.writeLock().unlock();
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "DjlOrtSession[" + name + "]";
    }
}
