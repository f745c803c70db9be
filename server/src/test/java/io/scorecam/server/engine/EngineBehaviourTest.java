package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.onnx.SyntheticModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pass sharing, caching, degenerate inputs and errors. */
class EngineBehaviourTest {
    @TempDir
    static Path dir;
    private static ScoreCamEngine engine;

    @BeforeAll
    static void load() throws Exception {
        Path resnet = TestModels.writeModelDir(dir, "resnet", SyntheticModels.resnetLike(7), false);
        Path one = TestModels.writeModelDir(dir, "oneclass", SyntheticModels.oneClass(8), false);
        engine = TestModels.engine(List.of(resnet, one), 8);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static FrameResult explain(String model, RgbImage image, List<Integer> classes, Convention convention)
            throws Exception {
        return engine.explain(new FrameRequest(model, image, classes, 1, Method.SCORE_CAM, convention, 0,
                MapSize.MODEL_INPUT, new CancellationToken())).get(60, TimeUnit.SECONDS);
    }

    @Test
    void fiveClassesCostThePassesOfOneAndARepeatedFrameCostsNothing() throws Exception {
        RgbImage a = EngineExactnessTest.randomImage(new Random(11), 30, 40);
        RgbImage b = EngineExactnessTest.randomImage(new Random(12), 30, 40);
        FrameResult one = explain("resnet", a, List.of(0), Convention.GRAD_CAM_LIB);
        FrameResult five = explain("resnet", b, List.of(0, 1, 2, 3, 4), Convention.GRAD_CAM_LIB);
        assertEquals(1 + 8, one.forwardPasses(), "GRAD_CAM_LIB scores all K=8 channels plus the feature pass");
        assertEquals(one.forwardPasses(), five.forwardPasses());
        assertEquals(5, five.maps().size());

        FrameResult again = explain("resnet", b, List.of(0, 1, 2, 3, 4), Convention.GRAD_CAM_LIB);
        assertEquals(0, again.forwardPasses());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(five.maps().get(i).values(), again.maps().get(i).values());
        }
        FrameResult newClass = explain("resnet", b, List.of(5), Convention.GRAD_CAM_LIB);
        assertEquals(0, newClass.forwardPasses(), "a new class on a cached frame costs no pass");

        FrameResult otherConvention = explain("resnet", b, List.of(5), Convention.SEED);
        assertTrue(otherConvention.forwardPasses() >= 1 && otherConvention.forwardPasses() <= 8,
                "SEED masks differ from GRAD_CAM_LIB's: new masked passes, but the feature pass is cached: "
                        + otherConvention.forwardPasses());
    }

    @Test
    void concurrentRequestsForTheSameFrameShareThePasses() throws Exception {
        RgbImage image = EngineExactnessTest.randomImage(new Random(21), 30, 40);
        List<CompletableFuture<FrameResult>> futures = List.of(
                request(image, 0), request(image, 1), request(image, 2), request(image, 3));
        int total = 0;
        for (CompletableFuture<FrameResult> f : futures) {
            total += f.get(60, TimeUnit.SECONDS).forwardPasses();
        }
        assertEquals(1 + 8, total, "four requests of one frame together cost one frame's passes");
    }

    private static CompletableFuture<FrameResult> request(RgbImage image, int classId) {
        return engine.explain(new FrameRequest("resnet", image, List.of(classId), 1, Method.SCORE_CAM,
                Convention.GRAD_CAM_LIB, 0, MapSize.MODEL_INPUT, new CancellationToken()));
    }

    @Test
    void blackFrameAndOneClassModelGiveFiniteMaps() throws Exception {
        RgbImage black = new RgbImage(30, 40, new byte[30 * 40 * 3]);
        for (Convention c : Convention.values()) {
            for (String model : List.of("resnet", "oneclass")) {
                FrameResult r = explain(model, black, List.of(), c);
                ClassMap map = r.maps().get(0);
                assertTrue(Float.isFinite(map.rawMax()) && map.rawMax() >= 0, model + " " + c);
                for (float v : map.values()) {
                    assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, model + " " + c + ": value " + v);
                }
            }
        }
        FrameResult one = explain("oneclass", EngineExactnessTest.randomImage(new Random(3), 30, 40), List.of(),
                Convention.SEED);
        assertEquals(1, one.predictions().size());
        assertEquals(1f, one.predictions().get(0).probability(), 1e-6f);
    }

    @Test
    void mapSizesFollowTheRequest() throws Exception {
        RgbImage image = EngineExactnessTest.randomImage(new Random(5), 61, 45);
        for (MapSize size : MapSize.values()) {
            FrameResult r = engine.explain(new FrameRequest("resnet", image, List.of(1), 1, Method.SCORE_CAM,
                    Convention.SEED, 0, size, new CancellationToken())).get(60, TimeUnit.SECONDS);
            ClassMap map = r.maps().get(0);
            ModelDescription d = engine.models().get(0);
            int[] expected = switch (size) {
                case MODEL_INPUT -> new int[] {d.inputWidth(), d.inputHeight()};
                case ORIGINAL -> new int[] {61, 45};
                case LAYER -> new int[] {d.layerWidth(), d.layerHeight()};
            };
            assertArrayEquals(expected, new int[] {map.width(), map.height()}, size.name());
            assertEquals(map.width() * map.height(), map.values().length);
        }
    }

    @Test
    void badRequestsFailWithANamedProblem() {
        RgbImage image = EngineExactnessTest.randomImage(new Random(1), 30, 40);
        ScoreCamException outOfRange = failure(new FrameRequest("resnet", image, List.of(6), 1,
                Method.SCORE_CAM, Convention.SEED, 0, MapSize.MODEL_INPUT, new CancellationToken()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, outOfRange.code());
        assertTrue(outOfRange.getMessage().contains("class id 6"), outOfRange.getMessage());

        // uint32 class ids arrive as Java ints: 4294967295 must not be reported as -1
        ScoreCamException unsigned = failure(new FrameRequest("resnet", image, List.of(-1), 1,
                Method.SCORE_CAM, Convention.SEED, 0, MapSize.MODEL_INPUT, new CancellationToken()));
        assertTrue(unsigned.getMessage().contains("class id 4294967295"), unsigned.getMessage());

        // a 9000-character name is quoted cut short, so the status message stays within header limits
        ScoreCamException longName = failure(new FrameRequest("n".repeat(9000), image, List.of(), 1,
                Method.SCORE_CAM, Convention.SEED, 0, MapSize.MODEL_INPUT, new CancellationToken()));
        assertEquals(ErrorCode.NOT_FOUND, longName.code());
        assertTrue(longName.getMessage().length() < 500 && longName.getMessage().contains("9000 characters"),
                longName.getMessage());

        ScoreCamException unknown = failure(new FrameRequest("nope", image, List.of(), 1,
                Method.SCORE_CAM, Convention.SEED, 0, MapSize.MODEL_INPUT, new CancellationToken()));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
        assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());

        CancellationToken cancelled = new CancellationToken();
        cancelled.cancel();
        ScoreCamException gone = failure(new FrameRequest("resnet", image, List.of(), 1,
                Method.SCORE_CAM, Convention.SEED, 0, MapSize.MODEL_INPUT, cancelled));
        assertEquals(ErrorCode.CANCELLED, gone.code());
    }

    private static ScoreCamException failure(FrameRequest request) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> engine.explain(request).get(60, TimeUnit.SECONDS));
        return assertInstanceOf(ScoreCamException.class, e.getCause());
    }
}
