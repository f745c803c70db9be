package io.scorecam.server.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelTest {

    @Test
    void realModelRoundTripsByteIdentical() throws Exception {
        Path file = SharedFiles.mobilenetOrSkip();
        byte[] original = Files.readAllBytes(file);
        OnnxModel model = OnnxModel.read(file);
        assertArrayEquals(original, model.toByteArray());
        assertEquals(12, model.opsetVersion());
        assertEquals(1, model.opsetVersion("com.microsoft"));
        assertEquals(1, model.inputs().size());
        assertEquals("input", model.inputs().get(0).getName());
        assertEquals("output", model.outputs().get(0).getName());
        assertEquals("DequantizeLinear", model.producer("627").orElseThrow().getOpType());
        assertFalse(model.consumers("627").isEmpty());
        assertTrue(model.isInitializer("627_scale"));
        assertArrayEquals(new long[] {-1, 3, 224, 224}, model.declaredShape("input").orElseThrow());
        assertTrue(model.declaredShape("627").isEmpty());
    }

    @Test
    void syntheticModelRoundTripsAndRuns() throws Exception {
        SyntheticModels.Model synth = SyntheticModels.resnetLike(7);
        OnnxModel model = OnnxModel.parse(synth.bytes(), "resnet-like");
        assertArrayEquals(synth.bytes(), model.toByteArray());
        assertTrue(model.hasTensor(synth.targetLayer()));
        assertTrue(model.producer(model.inputs().get(0).getName()).isEmpty());
        assertArrayEquals(new long[] {-1, 3, 40, 30}, model.declaredShape(synth.input()).orElseThrow());
        assertArrayEquals(new long[] {-1, synth.classes()}, model.declaredShape(synth.output()).orElseThrow());
    }

    @Test
    void garbageIsRejectedWithTheSourceName() {
        byte[] png = "\u0089PNG\r\n\u001a\n not a model at all".getBytes(StandardCharsets.ISO_8859_1);
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> OnnxModel.parse(png, "cat.png"));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().startsWith("cat.png: not an ONNX model: "), e.getMessage());

        ScoreCamException empty = assertThrows(ScoreCamException.class, () -> OnnxModel.parse(new byte[0], "x.onnx"));
        assertTrue(empty.getMessage().contains("x.onnx: not an ONNX model"), empty.getMessage());
    }

    @Test
    void missingFileNamesTheFile() {
        Path missing = Path.of("no-such-dir", "missing.onnx");
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> OnnxModel.read(missing));
        assertTrue(e.getMessage().contains("missing.onnx"), e.getMessage());
    }

    @Test
    void extraOutputOnRealModelGivesTheLayer() throws Exception {
        OnnxModel model = OnnxModel.read(SharedFiles.mobilenetOrSkip());
        byte[] bytes = GraphSurgery.withExtraOutputs(model, java.util.List.of("627"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
            float[] pixels = new float[2 * 3 * 224 * 224];
            Random random = new Random(3);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) random.nextGaussian();
            }
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {2, 3, 224, 224});
                 OrtSession.Result r = session.run(Map.of("input", in))) {
                assertArrayEquals(new long[] {2, 1000}, ((OnnxTensor) r.get("output").orElseThrow()).getInfo().getShape());
                assertArrayEquals(new long[] {2, 1280, 7, 7}, ((OnnxTensor) r.get("627").orElseThrow()).getInfo().getShape());
            }
        }
    }
}
