package io.scorecam.server.engine.model;

import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ModelContext;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pass.ScoringPass;
import io.scorecam.server.engine.pass.SessionPass;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.inference.BatchSizeTuner;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.GraphSurgery;
import io.scorecam.server.onnx.LayerFinder;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.proto.ValueInfoProto;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Turns a model directory into a {@link LoadedModel}: finds the target layer (model.json's
 * {@code target_layer}, else the finder's candidates probed through ORT), opens the feature session and
 * picks the batch size. Every failure names the model file and the problem.
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
    private final InferenceBackend backend;
    private final EngineOptions options;

    public ModelLoader(InferenceBackend backend, EngineOptions options) {
        this.backend = backend;
        this.options = options;
    }

    /** @param progress told each step ("tuning the batch size of X"), for the start-up health reason */
    public LoadedModel load(ModelConfig config, java.util.function.Consumer<String> progress) {
        String where = config.modelFile().toString();
        OnnxModel onnx = OnnxModel.read(config.modelFile());
        List<String> inputs = onnx.inputs().stream().map(ValueInfoProto::getName).toList();
        List<String> outputs = onnx.outputs().stream().map(ValueInfoProto::getName).toList();
        if (!inputs.contains(config.input().name())) {
            throw failure(where + ": model.json names input '" + config.input().name()
                    + "' but the graph's inputs are " + inputs);
        }
        if (!outputs.contains(config.output().name())) {
            throw failure(where + ": model.json names output '" + config.output().name()
                    + "' but the graph's outputs are " + outputs);
        }
        List<String> candidates = config.targetLayer() != null
                ? List.of(config.targetLayer())
                : LayerFinder.candidates(onnx, config.output().name());
        if (candidates.isEmpty()) {
            throw failure(where + ": found no convolutional layer feeding a global pooling or flatten; "
                    + "name one with \"target_layer\" in model.json");
        }
        Probe probe = probe(config, onnx, candidates, where);
        byte[] featureGraph = GraphSurgery.withExtraOutputs(onnx, List.of(probe.layer));
        InferenceSession features = backend.open(featureGraph, config.name() + "/features");
        int batch = options.batchSize() > 0 ? options.batchSize()
                : config.batchSize() != null ? config.batchSize() : 0;
        LayerShape layer = new LayerShape(probe.channels, probe.height, probe.width);
        ModelContext context = new ModelContext(config, onnx, backend, layer, probe.layer, probe.classes,
                Math.max(batch, 1));
        Map<String, SessionPass<?, ScoreRow>> opened = new HashMap<>();
        if (config.defaults().method() != null) {
            // model.json's default method must be one this model can run (checked now, not on the first frame)
            Methods.Entry entry = Methods.find(Method.valueOf(config.defaults().method()));
            ScoreCamException why = entry == null ? failure("this server has no such method")
                    : entry.method().unavailable(context);
            if (why != null) {
                features.close();
                throw failure(config.directory().resolve(ModelConfig.CONFIG_FILE) + ": method "
                        + config.defaults().method() + " is not available for this model: " + why.getMessage()
                        + "; choose another method or target_layer");
            }
        }
        if (batch == 0) {
            progress.accept("tuning the batch size of model " + config.name()
                    + " (at most " + options.tuneBudgetMs() + " ms)");
            // the tuned session is the one SEED frames use: keep it instead of building it again
            ScoringPass.Rows seed = new ScoringPass.Rows(Convention.SEED);
            ScoringPass pass = ScoringPass.open(context, Convention.SEED);
            int best = tuneBatchSize(context, pass);
            pass.setMaxBatch(best);
            context = new ModelContext(config, onnx, backend, layer, probe.layer, probe.classes, best);
            opened.put(seed.sessionKey(), pass);
        }
        return new LoadedModel(context, new Preprocessor(config.input()), features, opened);
    }

    private record Probe(String layer, int channels, int height, int width, int classes) { }

    /** Runs the model once on a blank frame with every candidate as an output and keeps the first 4-D one. */
    private Probe probe(ModelConfig config, OnnxModel onnx, List<String> candidates, String where) {
        List<String> outputs = new ArrayList<>();
        outputs.add(config.output().name());
        outputs.addAll(candidates);
        Map<String, FloatTensor> out;
        try (InferenceSession session = backend.open(GraphSurgery.withExtraOutputs(onnx, candidates),
                config.name() + "/probe")) {
            FloatTensor blank = FloatTensor.allocate(1, 3, config.input().height(), config.input().width());
            out = session.run(Map.<String, Tensor>of(config.input().name(), blank), outputs);
        } catch (ScoreCamException e) {
            throw failure(where + ": could not run the model on a " + config.input().width() + "x"
                    + config.input().height() + " RGB input: " + e.getMessage());
        }
        long[] outShape = out.get(config.output().name()).shape();
        int classes = (int) (elements(outShape) / Math.max(1, outShape[0]));
        if (classes < 1) {
            throw failure(where + ": output '" + config.output().name() + "' is empty");
        }
        for (String name : candidates) {
            long[] s = out.get(name).shape();
            if (s.length == 4 && s[0] == 1 && s[2] * s[3] > 1 && s[1] >= 1) {
                return new Probe(name, (int) s[1], (int) s[2], (int) s[3], classes);
            }
        }
        throw failure(where + ": no target layer of shape [N,K,h,w] with h*w > 1 among " + candidates
                + (config.targetLayer() != null ? " (the target_layer named in model.json)" : ""));
    }

    /**
     * Measures scoring throughput at a few batch sizes on this machine and keeps the fastest: on CPU bigger
     * batches are often slower (MobileNetV2 int8 at 64 runs ~25% below 8), on GPU much faster.
     */
    private int tuneBatchSize(ModelContext model, ScoringPass pass) {
        LayerShape layer = model.layer();
        float[] input = new float[3 * model.inputHeight() * model.inputWidth()];
        float[] activations = new float[layer.channels() * layer.mapSize()];
        Random random = new Random(1);
        for (int i = 0; i < activations.length; i++) {
            activations[i] = random.nextFloat();
        }
        FrameFeatures frame = new FrameFeatures(input, activations, new float[model.classes()],
                new float[model.classes()], new float[layer.channels()], new float[layer.channels()]);
        IntFunction<Map<String, Tensor>> inputs = n -> {
            List<ScoringPass.Item> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(new ScoringPass.Item(frame, i % layer.channels()));
            }
            return pass.inputs(items);
        };
        long start = System.nanoTime();
        BatchSizeTuner.Result result = BatchSizeTuner.defaults(java.time.Duration.ofMillis(options.tuneBudgetMs()))
                .tune(pass.session(), inputs, ScoringPass.outputs(), BatchSizeTuner.DEFAULT_CANDIDATES);
        LOG.info("model {}: masked items/s by batch size (tuned in {} ms):\n{}-> batch size {}", model.name(),
                (System.nanoTime() - start) / 1_000_000, result.format(), result.bestBatchSize());
        return result.bestBatchSize();
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static ScoreCamException failure(String message) {
        return new ScoreCamException(ErrorCode.FAILED_PRECONDITION, message);
    }
}
