package io.scorecam.server.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.ModelProto;
import io.scorecam.server.onnx.proto.TensorProto;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scoring graph on models whose declared shapes do not match the item batch, and on a real int8 model. */
class ScoringGraphShapesTest {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    @Test
    void modelDeclaringBatchOneStillScoresAnyItemBatch() throws Exception {
        SyntheticModels.Model m = SyntheticModels.resnetLike(3);
        ModelProto p = ModelProto.parseFrom(m.bytes());
        GraphProto.Builder g = p.getGraph().toBuilder()
                .setInput(0, OnnxNodes.tensorInfo(m.input(), TensorProto.DataType.FLOAT, 1, 3, 40, 30))
                .setOutput(0, OnnxNodes.tensorInfo(m.output(), TensorProto.DataType.FLOAT, 1, 6))
                .addValueInfo(OnnxNodes.tensorInfo(m.targetLayer(), TensorProto.DataType.FLOAT, 1, 8, 10, 7));
        byte[] fixed = p.toBuilder().setGraph(g).build().toByteArray();
        byte[] scoring = GraphSurgery.scoringGraph(OnnxModel.parse(fixed, "fixed"),
                new ScoringGraphSpec(m.input(), m.output(), 40, 30, false, 1e-5f, true));
        float[][] probs = run(scoring, 3, 40, 30, 5, 10, 7);
        assertEquals(5, probs.length);
        assertEquals(6, probs[0].length);
    }

    @Test
    void int8MobileNetScoringGraphGivesProbabilities() throws Exception {
        OnnxModel model = OnnxModel.read(SharedFiles.mobilenetOrSkip());
        // the layer's 7x7 size known: upsampled by MatMul, as the engine does for this model
        byte[] scoring = GraphSurgery.scoringGraph(model, new ScoringGraphSpec("input", "output", 224, 224, false,
                1e-5f, true, ScoringGraphSpec.Perturbation.NONE, 7, 7));
        float[][] probs = run(scoring, 3, 224, 224, 3, 7, 7);
        assertEquals(3, probs.length);
        for (float[] row : probs) {
            assertEquals(1000, row.length);
            double sum = 0;
            for (float v : row) {
                assertTrue(v >= 0 && v <= 1, "probability out of range: " + v);
                sum += v;
            }
            assertEquals(1.0, sum, 1e-4);
        }
    }

    private float[][] run(byte[] scoring, int c, int h, int w, int items, int lh, int lw)
            throws OrtException {
        Random random = new Random(9);
        float[] frames = new float[c * h * w];
        float[] maps = new float[items * lh * lw];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < maps.length; i++) {
            maps[i] = (float) Math.max(0, random.nextGaussian());
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(scoring, options);
             OnnxTensor f = OnnxTensor.createTensor(env, FloatBuffer.wrap(frames), new long[] {1, c, h, w});
             OnnxTensor mp = OnnxTensor.createTensor(env, FloatBuffer.wrap(maps), new long[] {items, 1, lh, lw});
             OrtSession.Result r = s.run(Map.of(GraphSurgery.FRAMES, f, GraphSurgery.MAPS, mp))) {
            return (float[][]) r.get(0).getValue();
        }
    }
}
