package io.scorecam.server.engine;

import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.HeadPass;
import io.scorecam.server.engine.pass.ScoreRow;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.GraphSurgery;
import io.scorecam.server.onnx.HeadGraph;
import io.scorecam.server.onnx.HeadGraphSpec;
import io.scorecam.server.onnx.LayerFinder;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.OnnxNodes;
import io.scorecam.server.onnx.SyntheticModels;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.TensorProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recipro-CAM's head split: for every cell b, the head graph run through {@link HeadPass} must give what the
 * FULL model gives when its target layer is replaced by the authors' mosaic F_b (built by
 * {@link ReferenceMosaic}, fed through an extra graph input), on several topologies and the bundled model.
 */
class HeadSplitTest {
    private static final double TOLERANCE = 1e-5;
    private static final String REPLACEMENT = "test_replacement";
    private static OrtEnvironment env;
    private static InferenceBackend backend;
    private static double largestDifference;

    @BeforeAll
    static void setUp() {
        backend = new DjlOrtBackend(BackendOptions.forWorkers(DeviceSpec.CPU, 1)); // DJL creates the environment
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void tearDown() {
        System.out.printf("head graph vs full model on the reference mosaics: largest |difference| %.3g%n",
                largestDifference);
        backend.close();
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("VGG-like Flatten+Gemm", SyntheticModels.vggLike(31), false),
                Arguments.of("torchvision VGG (MaxPool, 1x1 AveragePool)", SyntheticModels.vggTorchvisionLike(32), false),
                Arguments.of("ResNet-like GlobalAveragePool", SyntheticModels.resnetLike(33), false),
                Arguments.of("PyTorch ReduceMean, opset 18", SyntheticModels.pytorchLike(34, 18), false),
                Arguments.of("PyTorch ReduceMean, opset 13", SyntheticModels.pytorchLike(35, 13), false),
                Arguments.of("ends in Softmax", SyntheticModels.endsInSoftmax(36), true),
                Arguments.of("conv head on pooled features", SyntheticModels.convHeadLike(37), false),
                Arguments.of("QDQ int8", SyntheticModels.qdqLike(38), false),
                Arguments.of("QOperator int8 (QLinearGlobalAveragePool)", SyntheticModels.qoperatorLike(39), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void headEqualsFullModelOnEveryMosaic(String name, SyntheticModels.Model m, boolean probabilities)
            throws OrtException {
        check(OnnxModel.parse(m.bytes(), name), m.input(), m.output(), m.targetLayer(),
                new int[] {m.channels(), m.height(), m.width()}, probabilities);
    }

    @Test
    void headEqualsFullModelOnTheBundledModel() throws OrtException {
        ModelConfig config = ModelConfig.load(TestModels.bundledModel());
        OnnxModel model = OnnxModel.read(config.modelFile());
        String target = LayerFinder.candidates(model, config.output().name()).get(0);
        check(model, config.input().name(), config.output().name(), target,
                new int[] {3, config.input().height(), config.input().width()},
                config.output().kind() == ModelConfig.OutputKind.PROBABILITIES);
    }

    @Test
    void batchInputsRebuildTheAuthorsMosaic() {
        Random random = new Random(5);
        for (int[] khw : new int[][] {{3, 1, 1}, {2, 1, 5}, {4, 2, 3}, {3, 5, 4}, {2, 7, 7}}) {
            int k = khw[0];
            int h = khw[1];
            int w = khw[2];
            float[] f = new float[k * h * w];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) random.nextGaussian();
            }
            FrameFeatures frame = features(f, k);
            HeadPass pass = new HeadPass("t", null, k, h, w, h * w);
            List<HeadPass.Item> items = new ArrayList<>();
            for (int n = 0; n < h * w; n++) {
                items.add(new HeadPass.Item(frame, h * w - 1 - n)); // every cell once, in reverse
            }
            var inputs = pass.inputs(items);
            float[] centres = ((FloatTensor) inputs.get(HeadGraph.CENTRES)).toArray();
            float[] weights = ((FloatTensor) inputs.get(HeadGraph.WEIGHTS)).toArray();
            for (int b = 0; b < h * w; b++) {
                float[] expected = ReferenceMosaic.mosaic(f, k, h, w, items.get(b).cell());
                float[] actual = new float[k * h * w];
                for (int c = 0; c < k; c++) {
                    for (int p = 0; p < h * w; p++) {
                        actual[c * h * w + p] = centres[b * k + c] * weights[b * h * w + p];
                    }
                }
                assertArrayEquals(expected, actual, 0f, k + "x" + h + "x" + w + " cell " + b); // -0 == 0
            }
        }
    }

    @Test
    void aHeadThatBypassesTheTargetLayerIsAClearError() {
        // ResNet-like, target inside the residual block: the skip connection carries the image around it
        SyntheticModels.Model m = SyntheticModels.resnetLike(41);
        OnnxModel model = OnnxModel.parse(m.bytes(), "bypass.onnx");
        NodeProto residual = model.graph().getNodeList().stream().filter(n -> n.getOpType().equals("Add"))
                .findFirst().orElseThrow();
        String inBlock = residual.getInput(1);
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> HeadGraph.build(model,
                new HeadGraphSpec(inBlock, m.output(), 8, 19, 14, true)));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().contains("RECIPRO_CAM is not available") && e.getMessage().contains(inBlock)
                && e.getMessage().contains("'" + m.input() + "'") && e.getMessage().contains("bypass.onnx"),
                e.getMessage());
    }

    /** Head graph scores vs the full model on F_b for every cell b; inputShape is {C_in, H, W}. */
    private static void check(OnnxModel model, String input, String output, String target, int[] inputShape,
                              boolean probabilities) throws OrtException {
        Random random = new Random(target.hashCode());
        float[] image = new float[inputShape[0] * inputShape[1] * inputShape[2]];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        long[] imageShape = {1, inputShape[0], inputShape[1], inputShape[2]};
        Result layer;
        try (OrtSession s = env.createSession(GraphSurgery.withExtraOutputs(model, List.of(target)))) {
            layer = run(s, Map.of(input, new Fed(image, imageShape)), target);
        }
        int k = (int) layer.shape[1];
        int h = (int) layer.shape[2];
        int w = (int) layer.shape[3];
        int hw = h * w;

        double[][] expected = new double[hw][];
        try (OrtSession s = env.createSession(replaced(model, target))) {
            for (int b = 0; b < hw; b++) {
                float[] mosaic = ReferenceMosaic.mosaic(layer.values, k, h, w, b);
                float[] out = run(s, Map.of(input, new Fed(image, imageShape),
                        REPLACEMENT, new Fed(mosaic, new long[] {1, k, h, w})), output).values;
                expected[b] = probabilities ? toDouble(out) : softmax(out);
            }
        }

        HeadGraphSpec spec = new HeadGraphSpec(target, output, k, h, w, !probabilities);
        double spread = 0;
        try (InferenceSession session = backend.open(HeadGraph.build(model, spec), "head-test")) {
            int batch = 50; // not a divisor of h*w: partial batches too
            HeadPass pass = new HeadPass("head-test", session, k, h, w, batch);
            FrameFeatures frame = features(layer.values, k);
            for (int start = 0; start < hw; start += batch) {
                List<HeadPass.Item> items = new ArrayList<>();
                for (int b = start; b < Math.min(hw, start + batch); b++) {
                    items.add(new HeadPass.Item(frame, b));
                }
                List<ScoreRow> rows = pass.run(items);
                for (int i = 0; i < items.size(); i++) {
                    int b = start + i;
                    float[] scores = rows.get(i).scores();
                    assertEquals(expected[b].length, scores.length, "classes");
                    for (int c = 0; c < scores.length; c++) {
                        double d = Math.abs(scores[c] - expected[b][c]);
                        largestDifference = Math.max(largestDifference, d);
                        assertTrue(d <= TOLERANCE, model.sourceName() + " cell " + b + " class " + c + ": head "
                                + scores[c] + " vs full model " + expected[b][c]);
                        spread = Math.max(spread, Math.abs(expected[b][c] - expected[0][c]));
                    }
                }
            }
        }
        // the comparison means something only if the cells' scores differ well beyond the tolerance
        assertTrue(spread > 100 * TOLERANCE, model.sourceName() + ": cell scores barely vary: " + spread);
    }

    /**
     * The full model with an extra input that the target tensor's consumers read instead of it; when the
     * target is a DequantizeLinear output, readers of the quantised tensor get the input quantised alike.
     */
    private static byte[] replaced(OnnxModel model, String target) {
        NodeProto producer = model.producer(target).orElseThrow();
        boolean dequant = producer.getOpType().equals("DequantizeLinear");
        Map<String, String> renames = new HashMap<>(Map.of(target, REPLACEMENT));
        GraphProto.Builder g = model.graph().toBuilder().clearNode();
        if (dequant) {
            renames.put(producer.getInput(0), REPLACEMENT + "_q");
            g.addNode(producer.toBuilder().setOpType("QuantizeLinear").setName(REPLACEMENT + "_quantise")
                    .setInput(0, REPLACEMENT).setOutput(0, REPLACEMENT + "_q"));
        }
        for (NodeProto n : model.graph().getNodeList()) {
            if (n == producer) {
                g.addNode(n);
                continue;
            }
            NodeProto.Builder b = n.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                b.setInput(i, renames.getOrDefault(b.getInput(i), b.getInput(i)));
            }
            g.addNode(b);
        }
        g.addInput(OnnxNodes.tensorInfo(REPLACEMENT, TensorProto.DataType.FLOAT, "n", "k", "h", "w"));
        return model.proto().toBuilder().setGraph(g).build().toByteArray();
    }

    private static FrameFeatures features(float[] activations, int k) {
        return new FrameFeatures(new float[1], activations, new float[1], new float[1], new float[k], new float[k]);
    }

    private record Fed(float[] values, long[] shape) { }

    private record Result(float[] values, long[] shape) { }

    private static Result run(OrtSession session, Map<String, Fed> inputs, String output) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().values()),
                        e.getValue().shape()));
            }
            try (OrtSession.Result r = session.run(tensors, java.util.Set.of(output))) {
                OnnxTensor t = (OnnxTensor) r.get(output).orElseThrow();
                FloatBuffer fb = t.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                return new Result(values, t.getInfo().getShape());
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static double[] softmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
