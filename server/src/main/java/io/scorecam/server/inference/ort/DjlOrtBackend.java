package io.scorecam.server.inference.ort;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.InferenceSession;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ONNX Runtime through DJL's OnnxRuntime engine. Each model becomes a DJL {@link Model} whose block is an
 * {@link OrtSymbolBlock}; runs go through that block with NDLists (no translator, no second engine).
 *
 * <p>The ORT session is created here, from DJL's own ORT environment, and handed to OrtSymbolBlock's public
 * constructor, rather than through {@code Model.load(InputStream, options)}: DJL's loader keeps the session
 * private, and {@link InferenceSession#inputs()} needs its input/output shapes, which DJL does not expose.
 */
public final class DjlOrtBackend implements InferenceBackend {

    private static final String ENGINE = "OnnxRuntime";
    /** slf4j-simple's level for DJL's OrtEngine logger (read when that logger is created). */
    private static final String QUIET_ORT_ENGINE = "org.slf4j.simpleLogger.log.ai.djl.onnxruntime.engine.OrtEngine";

    private final BackendOptions options;
    private final Set<DjlOrtSession> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Loads the engine and, for a CUDA device, checks now that ORT can use it. */
    public DjlOrtBackend(BackendOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        ensureEngine();
        CudaCheck.require(options.device());
    }

    public BackendOptions options() {
        return options;
    }

    @Override
    public InferenceSession open(byte[] onnxModel, String name) {
        Objects.requireNonNull(name, "name");
        if (closed) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, "model '" + name + "': the backend is closed");
        }
        if (onnxModel == null || onnxModel.length == 0) {
            throw ScoreCamException.invalid("model '" + name + "' is empty");
        }
        SessionOptions sessionOptions;
        try {
            sessionOptions = OrtSessionOptions.create(options);
        } catch (OrtException e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, "model '" + name
                    + "': ONNX Runtime rejected the session options for " + options.device() + ": " + e.getMessage(), e);
        }
        OrtSession session;
        try {
            session = OrtEnvironment.getEnvironment().createSession(onnxModel, sessionOptions);
        } catch (OrtException e) {
            sessionOptions.close();
            String where = options.device().isCuda() ? " on " + options.device() : "";
            throw ScoreCamException.invalid("model '" + name + "' cannot be loaded by ONNX Runtime" + where + ": "
                    + e.getMessage());
        }
        // Tensors handed to ORT's Java API always live in host memory, whatever provider runs the graph,
        // so the DJL manager is a CPU one; the CUDA provider was added to the session options above.
        Model model = Model.newInstance(name, Device.cpu(), ENGINE);
        try {
            OrtSymbolBlock block = new OrtSymbolBlock(session, (OrtNDManager) model.getNDManager());
            model.setBlock(block);
            DjlOrtSession result = new DjlOrtSession(name, model, session, sessionOptions, open::remove);
            open.add(result);
            return result;
        } catch (OrtException | RuntimeException e) {
            model.close();
            closeQuietly(session);
            sessionOptions.close();
            throw new ScoreCamException(ErrorCode.INTERNAL, "model '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String device() {
        return options.device().toString();
    }

    /** Sessions open now (a reloaded model's old sessions must go: the reload benchmark checks it). */
    public int openSessions() {
        return open.size();
    }

    /** Closes every session still open. */
    @Override
    public void close() {
        closed = true;
        for (DjlOrtSession session : Set.copyOf(open)) {
            session.close();
        }
    }

    /**
     * Makes sure DJL never looks for a second engine (it would try to download PyTorch) nor downloads anything,
     * and loads ORT's. The one place the DJL properties are set: every use of DJL goes through this backend.
     */
    private static synchronized void ensureEngine() {
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
        System.setProperty("ai.djl.offline", "true");
        // DJL probes CUDA whenever a manager is made without a device (OrtEngine.hasCapability adds the CUDA
        // provider) and warns "Failed to find CUDA shared provider" on every CPU start. CudaCheck reports a
        // CUDA device that cannot start in its own words, so that probe's warning only ever misleads.
        if (System.getProperty(QUIET_ORT_ENGINE) == null) {
            System.setProperty(QUIET_ORT_ENGINE, "error");
        }
        try {
            Engine.getEngine(ENGINE);
        } catch (RuntimeException | LinkageError e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    "the ONNX Runtime engine of DJL cannot start: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException ignored) {
            // already failing; the first error is the one to report
        }
    }
}
