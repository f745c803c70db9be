package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.SyntheticModels;
import io.scorecam.server.onnx.proto.NodeProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RECIPRO_CAM through the engine: pass counts, sharing, and a model it cannot split failing per frame. */
class ReciproCamEngineTest {
    @TempDir
    static Path dir;
    private static ScoreCamEngine engine;
    private static String bypassLayer;

    @BeforeAll
    static void load() throws Exception {
        Path resnet = TestModels.writeModelDir(dir, "resnet", SyntheticModels.resnetLike(7), false);
        // the same model with model.json's target_layer inside the residual block: the skip bypasses it
        SyntheticModels.Model m = SyntheticModels.resnetLike(7);
        Path bypass = TestModels.writeModelDir(dir, "bypass", m, false);
        NodeProto residual = OnnxModel.parse(m.bytes(), "m").graph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Add")).findFirst().orElseThrow();
        bypassLayer = residual.getInput(1);
        String json = Files.readString(bypass.resolve("model.json")).trim();
        Files.writeString(bypass.resolve("model.json"),
                json.substring(0, json.length() - 1) + ", \"target_layer\": \"" + bypassLayer + "\"}");
        engine = TestModels.engine(List.of(resnet, bypass), 8);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static FrameResult explain(String model, RgbImage image, Method method, Convention convention)
            throws Exception {
        return engine.explain(new FrameRequest(model, image, List.of(0, 3), 1, method, convention, 0,
                MapSize.MODEL_INPUT, new CancellationToken())).get(60, TimeUnit.SECONDS);
    }

    @Test
    void onePassPerCellSharedByConventionsAndClasses() throws Exception {
        RgbImage image = EngineExactnessTest.randomImage(new Random(21), 30, 40);
        ModelDescription d = engine.models().get(0);
        FrameResult first = explain("resnet", image, Method.RECIPRO_CAM, Convention.SEED);
        assertEquals(1 + d.layerWidth() * d.layerHeight(), first.forwardPasses());
        assertEquals(2, first.maps().size());
        FrameResult other = explain("resnet", image, Method.RECIPRO_CAM, Convention.GRAD_CAM_LIB);
        assertEquals(0, other.forwardPasses(), "the cells' scores do not depend on the convention");
        for (ClassMap map : first.maps()) {
            float max = 0;
            for (float v : map.values()) {
                assertTrue(v >= 0 && v <= 1, "value " + v);
                max = Math.max(max, v);
            }
            assertEquals(1f, max, 1e-6f);
        }
    }

    @Test
    void aModelItCannotSplitFailsThatFrameOnlyAndOtherMethodsStillWork() throws Exception {
        RgbImage image = EngineExactnessTest.randomImage(new Random(22), 30, 40);
        for (int attempt = 0; attempt < 2; attempt++) { // the second time the stored failure answers
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> explain("bypass", image, Method.RECIPRO_CAM, Convention.SEED));
            ScoreCamException cause = assertInstanceOf(ScoreCamException.class, e.getCause());
            assertEquals(ErrorCode.FAILED_PRECONDITION, cause.code());
            assertTrue(cause.getMessage().contains("RECIPRO_CAM is not available")
                    && cause.getMessage().contains(bypassLayer), cause.getMessage());
        }
        // ListModels says so before any frame is sent
        Map<String, List<Method>> methods = engine.models().stream()
                .collect(Collectors.toMap(ModelDescription::name, ModelDescription::methods));
        assertEquals(Methods.ids(), methods.get("resnet"));
        assertFalse(methods.get("bypass").contains(Method.RECIPRO_CAM), methods.toString());
        assertEquals(Methods.ids().size() - 1, methods.get("bypass").size(), methods.toString());
        FrameResult scoreCam = explain("bypass", image, Method.SCORE_CAM, Convention.SEED);
        assertEquals(2, scoreCam.maps().size());
        FrameResult recipro = explain("resnet", image, Method.RECIPRO_CAM, Convention.SEED);
        assertEquals(2, recipro.maps().size());
    }
}
