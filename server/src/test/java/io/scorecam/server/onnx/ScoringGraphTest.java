package io.scorecam.server.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.proto.ModelProto;
import io.scorecam.server.onnx.proto.OperatorSetIdProto;
import io.scorecam.server.onnx.proto.TensorProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused scoring graph against the plain model run on masks computed in Java (double precision). */
class ScoringGraphTest {
    private static final double TOLERANCE = 1e-5;
    private static OrtEnvironment env;
    private static OrtSession.SessionOptions options;
    private static double largestDifference;

    @BeforeAll
    static void setUp() throws OrtException {
        env = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
    }

    @AfterAll
    static void tearDown() {
        System.out.printf("scoring graph vs double-precision reference: largest |difference| %.3g%n",
                largestDifference);
        options.close();
    }

    static Stream<Arguments> conventions() {
        List<Arguments> all = new ArrayList<>();
        for (boolean alignCorners : new boolean[] {false, true}) {
            // 0.5 makes eps visible above the tolerance; 1e-5 is what the SEED convention uses.
            for (float eps : new float[] {0f, 1e-5f, 0.5f}) {
                for (boolean softmax : new boolean[] {false, true}) {
                    all.add(Arguments.of(alignCorners, eps, softmax));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "alignCorners={0} eps={1} softmax={2}")
    @MethodSource("conventions")
    void matchesReferenceOnNonSquareInputWithNonIntegerScale(boolean alignCorners, float eps, boolean softmax)
            throws OrtException {
        // 40x30 input, 10x7 layer: scales 4 and 30/7.
        checkAgainstReference(SyntheticModels.resnetLike(11), alignCorners, eps, softmax, 21);
    }

    @Test
    void matchesReferenceAtOpset11WithRoiInput() throws OrtException {
        checkAgainstReference(SyntheticModels.vggLike(12), false, 1e-5f, true, 22);
        checkAgainstReference(SyntheticModels.vggLike(12), true, 0f, false, 23);
    }

    @Test
    void matchesReferenceAtOpset18WithAxesInput() throws OrtException {
        checkAgainstReference(SyntheticModels.pytorchLike(13, 18), false, 1e-5f, true, 24);
        checkAgainstReference(SyntheticModels.pytorchLike(13, 18), true, 1e-8f, false, 25);
    }

    @Test
    void matchesReferenceOnTheOtherFp32Shapes() throws OrtException {
        checkAgainstReference(SyntheticModels.vggTorchvisionLike(17), false, 1e-5f, true, 28);
        checkAgainstReference(SyntheticModels.pytorchLike(17, 13), true, 1e-5f, true, 29);
        checkAgainstReference(SyntheticModels.convHeadLike(17), false, 0f, false, 30);
    }

    @Test
    void softmaxModelKeepsItsProbabilitiesAndOneClassGivesOneColumn() throws OrtException {
        SyntheticModels.Model probs = SyntheticModels.endsInSoftmax(14);
        float[][] out = checkAgainstReference(probs, false, 1e-5f, false, 26);
        for (float[] row : out) {
            double sum = 0;
            for (float p : row) {
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5);
        }
        SyntheticModels.Model one = SyntheticModels.oneClass(15);
        assertEquals(1, checkAgainstReference(one, true, 1e-5f, false, 27)[0].length);
    }

    /** Runs two batches (items from 3 frames, then 1 item) and compares; returns the last batch's scores. */
    private float[][] checkAgainstReference(SyntheticModels.Model m, boolean alignCorners, float eps,
                                            boolean softmax, long seed) throws OrtException {
        float[][] last = null;
        // map size unknown (Resize) and known (two MatMuls), each against the same reference
        for (boolean sizeKnown : new boolean[] {false, true}) {
            ScoringGraphSpec spec = new ScoringGraphSpec(m.input(), m.output(), m.height(), m.width(),
                    alignCorners, eps, softmax, ScoringGraphSpec.Perturbation.NONE,
                    sizeKnown ? m.layerHeight() : 0, sizeKnown ? m.layerWidth() : 0);
            assertEquals(sizeKnown, spec.upsamplesByMatMul(), "synthetic layers are small");
            last = checkAgainstReference(m, spec, new Random(seed));
        }
        return last;
    }

    private float[][] checkAgainstReference(SyntheticModels.Model m, ScoringGraphSpec spec, Random random)
            throws OrtException {
        boolean alignCorners = spec.alignCorners();
        float eps = spec.normEps();
        boolean softmax = spec.appendSoftmax();
        int n = 3;
        float[] frames = gaussian(random, n * m.channels() * m.height() * m.width());
        byte[] scoring = GraphSurgery.scoringGraph(OnnxModel.parse(m.bytes(), "synthetic"), spec);
        float[][] last = null;
        try (OrtSession fused = env.createSession(scoring, options);
             OrtSession plain = env.createSession(m.bytes(), options)) {
            // a run masks one frame: several items of frame 2, then one of frame 1
            for (long[] index : new long[][] {{2, 2, 2, 2, 2}, {1}}) {
                float[] maps = activationLike(random, index.length * m.layerHeight() * m.layerWidth());
                float[][] actual = runFused(fused, m, frames, maps, index);
                float[][] expected = runReference(plain, m, frames, maps, index, alignCorners, eps, softmax);
                assertEquals(expected.length, actual.length);
                for (int b = 0; b < actual.length; b++) {
                    assertEquals(m.classes(), actual[b].length);
                    for (int c = 0; c < actual[b].length; c++) {
                        assertEquals(expected[b][c], actual[b][c], TOLERANCE, "item " + b + " class " + c);
                        largestDifference = Math.max(largestDifference, Math.abs(expected[b][c] - actual[b][c]));
                    }
                }
                last = actual;
            }
        }
        return last;
    }

    /** All of {@code index} name one frame: the graph gets that frame alone. */
    private float[][] runFused(OrtSession fused, SyntheticModels.Model m, float[] frames, float[] maps,
                               long[] index) throws OrtException {
        int frameSize = m.channels() * m.height() * m.width();
        long[] frameShape = {1, m.channels(), m.height(), m.width()};
        long[] mapShape = {index.length, 1, m.layerHeight(), m.layerWidth()};
        try (OnnxTensor f = OnnxTensor.createTensor(env,
                     FloatBuffer.wrap(frames, (int) index[0] * frameSize, frameSize).slice(), frameShape);
             OnnxTensor mp = OnnxTensor.createTensor(env, FloatBuffer.wrap(maps), mapShape);
             OrtSession.Result r = fused.run(Map.of(GraphSurgery.FRAMES, f, GraphSurgery.MAPS, mp))) {
            return (float[][]) r.get(0).getValue();
        }
    }

    private float[][] runReference(OrtSession plain, SyntheticModels.Model m, float[] frames, float[] maps,
                                   long[] index, boolean alignCorners, float eps, boolean softmax)
            throws OrtException {
        int c = m.channels();
        int hh = m.height();
        int ww = m.width();
        int lh = m.layerHeight();
        int lw = m.layerWidth();
        float[] masked = new float[index.length * c * hh * ww];
        for (int b = 0; b < index.length; b++) {
            double[][] map = new double[lh][lw];
            for (int y = 0; y < lh; y++) {
                for (int x = 0; x < lw; x++) {
                    map[y][x] = maps[(b * lh + y) * lw + x];
                }
            }
            double[][] norm = ReferenceMasks.normalise(ReferenceMasks.upsample(map, hh, ww, alignCorners), eps);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < hh; y++) {
                    for (int x = 0; x < ww; x++) {
                        int src = (((int) index[b] * c + ch) * hh + y) * ww + x;
                        masked[((b * c + ch) * hh + y) * ww + x] = (float) (frames[src] * norm[y][x]);
                    }
                }
            }
        }
        float[][] logits;
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(masked),
                new long[] {index.length, c, hh, ww});
             OrtSession.Result r = plain.run(Map.of(m.input(), in))) {
            logits = (float[][]) r.get(0).getValue();
        }
        if (!softmax) {
            return logits;
        }
        float[][] probs = new float[logits.length][];
        for (int b = 0; b < logits.length; b++) {
            double[] p = ReferenceMasks.softmax(logits[b]);
            probs[b] = new float[p.length];
            for (int k = 0; k < p.length; k++) {
                probs[b][k] = (float) p[k];
            }
        }
        return probs;
    }

    private static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** ReLU-like maps: non-negative, about a third exactly zero. */
    private static float[] activationLike(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) Math.max(0, random.nextGaussian() + 0.4) * 3f;
        }
        return values;
    }

    @Test
    void smallKnownMapsUpsampleByMatMulAndLargeOrUnknownOnesByResize() {
        SyntheticModels.Model m = SyntheticModels.resnetLike(11);
        OnnxModel model = OnnxModel.parse(m.bytes(), "synthetic");
        int side = ScoringGraphSpec.MATMUL_UPSAMPLE_MAX;
        assertEquals(List.of("MatMul", "MatMul"), upsamplingOps(model, m, side, 7));
        assertEquals(List.of("Resize"), upsamplingOps(model, m, side + 1, 7));
        assertEquals(List.of("Resize"), upsamplingOps(model, m, 7, side + 1));
        assertEquals(List.of("Resize"), upsamplingOps(model, m, 0, 0));
    }

    @Test
    void interpolationWeightsAreTwoTapsSummingToOneAndASingleCellIsCopied() {
        for (boolean alignCorners : new boolean[] {false, true}) {
            for (int[] size : new int[][] {{224, 7}, {96, 24}, {30, 7}, {5, 1}, {7, 30}, {1, 4}}) {
                int out = size[0];
                int in = size[1];
                float[] w = LinearInterpolation.weights(out, in, alignCorners);
                for (int o = 0; o < out; o++) {
                    double sum = 0;
                    int taps = 0;
                    for (int i = 0; i < in; i++) {
                        sum += w[o * in + i];
                        taps += w[o * in + i] != 0 ? 1 : 0;
                    }
                    assertEquals(1.0, sum, 1e-6, out + " from " + in + " row " + o);
                    assertTrue(taps <= 2, out + " from " + in + " row " + o + " has " + taps + " taps");
                }
                float[] t = LinearInterpolation.transposedWeights(out, in, alignCorners);
                assertEquals(w[(out - 1) * in], t[out - 1]);
            }
        }
    }

    private static List<String> upsamplingOps(OnnxModel model, SyntheticModels.Model m, int mapHeight, int mapWidth) {
        ScoringGraphSpec spec = new ScoringGraphSpec(m.input(), m.output(), m.height(), m.width(), false, 0f, true,
                ScoringGraphSpec.Perturbation.NONE, mapHeight, mapWidth);
        return OnnxModel.parse(GraphSurgery.scoringGraph(model, spec), "scoring").graph().getNodeList().stream()
                .filter(n -> n.getName().startsWith("scorecam/"))
                .map(n -> n.getOpType())
                .filter(op -> op.equals("MatMul") || op.equals("Resize"))
                .toList();
    }

    @Test
    void opsetBelow11IsRefusedClearly() {
        SyntheticModels.Model m = SyntheticModels.resnetLike(1);
        ModelProto proto = OnnxModel.parse(m.bytes(), "m").proto().toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(10)).build();
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> GraphSurgery.scoringGraph(
                OnnxModel.parse(proto.toByteArray(), "old.onnx"), spec(m, m.height(), m.width())));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().startsWith("old.onnx: default-domain opset 10 < 11"), e.getMessage());
    }

    @Test
    void badSpecsNameTheProblem() {
        SyntheticModels.Model m = SyntheticModels.resnetLike(1);
        OnnxModel model = OnnxModel.parse(m.bytes(), "net.onnx");
        ScoreCamException size = assertThrows(ScoreCamException.class,
                () -> GraphSurgery.scoringGraph(model, spec(m, 41, m.width())));
        assertEquals(ErrorCode.INVALID_ARGUMENT, size.code());
        assertTrue(size.getMessage().contains("height 40, configured 41"), size.getMessage());
        ScoreCamException input = assertThrows(ScoreCamException.class, () -> GraphSurgery.scoringGraph(model,
                new ScoringGraphSpec("pixels", m.output(), m.height(), m.width(), false, 0f, true)));
        assertTrue(input.getMessage().contains("'pixels' is not a graph input"), input.getMessage());
        ScoreCamException extra = assertThrows(ScoreCamException.class,
                () -> GraphSurgery.withExtraOutputs(model, List.of("no_such_layer")));
        assertTrue(extra.getMessage().contains("'no_such_layer'"), extra.getMessage());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(ScoreCamException.class,
                () -> new ScoringGraphSpec(m.input(), m.output(), 40, 30, false, -1f, true)).code());

        ModelProto external = model.proto().toBuilder().setGraph(model.graph().toBuilder().setInitializer(0,
                model.graph().getInitializer(0).toBuilder().clearRawData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL))).build();
        ScoreCamException ext = assertThrows(ScoreCamException.class, () -> GraphSurgery.withExtraOutputs(
                OnnxModel.parse(external.toByteArray(), "split.onnx"), List.of(m.targetLayer())));
        assertTrue(ext.getMessage().startsWith("split.onnx: initializers stored as external data"), ext.getMessage());
    }

    @Test
    void extraOutputsHaveTheLayerShapeOnEverySyntheticModel() throws OrtException {
        for (SyntheticModels.Model m : SyntheticModels.all(16)) {
            byte[] bytes = GraphSurgery.withExtraOutputs(OnnxModel.parse(m.bytes(), "m"), List.of(m.targetLayer()));
            float[] frames = gaussian(new Random(1), 2 * m.channels() * m.height() * m.width());
            try (OrtSession s = env.createSession(bytes, options);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(frames),
                         new long[] {2, m.channels(), m.height(), m.width()});
                 OrtSession.Result r = s.run(Map.of(m.input(), in))) {
                assertArrayEquals(new long[] {2, m.classes()},
                        ((OnnxTensor) r.get(m.output()).orElseThrow()).getInfo().getShape());
                assertArrayEquals(new long[] {2, m.layerChannels(), m.layerHeight(), m.layerWidth()},
                        ((OnnxTensor) r.get(m.targetLayer()).orElseThrow()).getInfo().getShape(), m.targetLayer());
            }
        }
    }

    private static ScoringGraphSpec spec(SyntheticModels.Model m, int h, int w) {
        return new ScoringGraphSpec(m.input(), m.output(), h, w, false, 1e-5f, true);
    }
}
