package io.scorecam.server.inference.ort;

import ai.djl.Model;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * One ORT session, owned by a DJL {@link Model} whose block is an {@link OrtSymbolBlock} (DJL loads ORT's
 * natives and closes the session with the model). Runs call the ORT session itself and share it (ORT allows
 * concurrent runs); each run closes its own native tensors when it ends. A read/write lock keeps
 * {@link #close()} from freeing the session under a running call.
 */
final class DjlOrtSession implements InferenceSession {

    private final String name;
    private final Model model;
    private final OrtSession session;
    private final SessionOptions sessionOptions;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    private final List<String> allOutputNames;
    private final Set<String> allOutputSet;
    private final RunChecks checks;
    private final Consumer<DjlOrtSession> onClose;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    DjlOrtSession(String name, Model model, OrtSession session, SessionOptions sessionOptions,
                  Consumer<DjlOrtSession> onClose) throws OrtException {
        this.name = name;
        this.model = model;
        this.session = session;
        this.sessionOptions = sessionOptions;
        this.onClose = onClose;
        this.inputs = OrtTensorInfos.convert(session.getInputInfo());
        this.outputs = OrtTensorInfos.convert(session.getOutputInfo());
        this.allOutputNames = outputs.stream().map(TensorInfo::name).toList();
        this.allOutputSet = new LinkedHashSet<>(allOutputNames);
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

    /**
     * Runs ORT's session directly: DJL's block wraps every input and output in an NDArray under a fresh
     * NDManager. The raw baseline goes through this same method, so the saving (1-5% of a batch-2 call on
     * the bundled model, loadtest/RESULTS.md "Engine levers") shows as frames/s, never as flattered efficiency.
     */
    private Map<String, FloatTensor> forward(Map<String, Tensor> given, List<String> wanted) {
        Map<String, OnnxTensor> feed = new HashMap<>(inputs.size() * 2);
        try {
            for (TensorInfo info : inputs) {
                feed.put(info.name(), toOrt(given.get(info.name())));
            }
            try (OrtSession.Result result = session.run(feed, wantedSet(wanted))) {
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (String outputName : wanted) {
                    out.put(outputName, copyOut(outputName, result.get(outputName).orElse(null)));
                }
                return out;
            }
        } catch (ScoreCamException e) {
            throw e;
        } catch (OrtException | RuntimeException e) {
            throw new ScoreCamException(ErrorCode.INTERNAL, name + ": " + ortMessage(e), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private Set<String> wantedSet(List<String> wanted) {
        return wanted == allOutputNames ? allOutputSet : new HashSet<>(wanted);
    }

    /** Hands direct native-order buffers to ORT as they are (no copy); anything else is copied once into one. */
    static OnnxTensor toOrt(Tensor tensor) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (tensor instanceof FloatTensor f) {
            FloatBuffer data = f.data().duplicate();
            if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
                FloatBuffer copy = ByteBuffer.allocateDirect(data.remaining() * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                copy.put(data).flip();
                data = copy;
            }
            return OnnxTensor.createTensor(env, data, tensor.shape());
        }
        LongBuffer data = ((LongTensor) tensor).data().duplicate();
        if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
            LongBuffer copy = ByteBuffer.allocateDirect(data.remaining() * Long.BYTES)
                    .order(ByteOrder.nativeOrder()).asLongBuffer();
            copy.put(data).flip();
            data = copy;
        }
        return OnnxTensor.createTensor(env, data, tensor.shape());
    }

    /** One copy from ORT's output memory into a heap buffer; the native tensor dies with the run's result. */
    private FloatTensor copyOut(String outputName, OnnxValue value) {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new ScoreCamException(ErrorCode.INTERNAL, name + ": ONNX Runtime returned no tensor '" + outputName + "'");
        }
        if (tensor.getInfo().type != OnnxJavaType.FLOAT) {
            throw new ScoreCamException(ErrorCode.INTERNAL, name + ": output '" + outputName + "' is "
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
