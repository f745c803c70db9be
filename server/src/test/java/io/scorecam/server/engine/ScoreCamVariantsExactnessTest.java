package io.scorecam.server.engine;

import io.scorecam.api.v1.Method;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.cache.FrameHash;
import io.scorecam.server.engine.method.MethodParams;
import io.scorecam.server.engine.pass.MaskNoise;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.SyntheticModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SS_CAM and IS_CAM (fused scoring graph with noisy / scaled masks, batching, averaging, layer-resolution
 * combination) against the plain-loop reference, under every convention, on synthesised topologies and the
 * bundled model, with the same seeded noise.
 */
class ScoreCamVariantsExactnessTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static ScoreCamEngine engine;
    private static final List<Path> MODEL_DIRS = new ArrayList<>();

    @BeforeAll
    static void loadModels() throws Exception {
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "vgg", SyntheticModels.vggLike(1), false));
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "resnet", SyntheticModels.resnetLike(2), false));
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "softmax", SyntheticModels.endsInSoftmax(4), true));
        MODEL_DIRS.add(TestModels.bundledModel());
        engine = TestModels.engine(MODEL_DIRS, 5); // batch 5: a channel's samples split across batches
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String model : List.of("vgg", "resnet", "softmax", "shapes")) {
            for (Convention c : Convention.values()) {
                cases.add(Arguments.of(model, c, Method.SS_CAM, 3, 0.5f));
                cases.add(Arguments.of(model, c, Method.IS_CAM, 3, 0f));
            }
        }
        // the defaults (35 samples of sigma 2, 10 steps) on the bundled model
        cases.add(Arguments.of("shapes", Convention.SEED, Method.SS_CAM, 0, 0f));
        cases.add(Arguments.of("shapes", Convention.SEED, Method.IS_CAM, 0, 0f));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} n={3} sigma={4}")
    @MethodSource("cases")
    void engineEqualsReference(String modelName, Convention convention, Method method, int n, float sigma)
            throws Exception {
        Path modelDir = MODEL_DIRS.stream().filter(p -> p.getFileName().toString().equals(modelName))
                .findFirst().orElseThrow();
        ModelConfig config = ModelConfig.load(modelDir);
        ModelDescription description = engine.models().stream()
                .filter(m -> m.name().equals(modelName)).findFirst().orElseThrow();
        RgbImage image = EngineExactnessTest.randomImage(new Random(modelName.hashCode() + 31L * convention.ordinal()
                + method.getNumber() + 1000L * n), config.input().width() + 5, config.input().height() + 2);
        List<Integer> classes = description.numClasses() > 1 ? List.of(0, description.numClasses() - 1) : List.of(0);
        boolean smooth = method == Method.SS_CAM;

        FrameResult result = engine.explain(request(modelName, image, classes, method, convention,
                smooth ? n : 0, sigma, smooth ? 0 : n)).get(120, TimeUnit.SECONDS);

        int samples = smooth ? (n == 0 ? MethodParams.DEFAULT_SS_SAMPLES : n) : (n == 0 ? MethodParams.DEFAULT_IS_STEPS : n);
        float s = sigma == 0 ? MethodParams.DEFAULT_SS_SIGMA : sigma;
        int h = config.input().height();
        int w = config.input().width();
        float[] input = new Preprocessor(config.input()).toChw(image);
        FrameHash hash = FrameHash.of(input);
        long frameSeed = hash.high() ^ hash.low();
        ReferenceScoreCamVariants.Masks masks = smooth
                ? ReferenceScoreCamVariants.smoothed(samples,
                        (k, i, size) -> MaskNoise.values(MaskNoise.seed(frameSeed, k, i), s, size))
                : ReferenceScoreCamVariants.integrated(samples);
        try (TestModels.PlainOrt plain = new TestModels.PlainOrt(Files.readAllBytes(config.modelFile()),
                config.input().name(), h, w);
             TestModels.PlainOrt layer = TestModels.PlainOrt.withLayer(config.modelFile(), description.targetLayer(),
                     config.input().name(), h, w)) {
            float[] activations = layer.run(input, description.targetLayer());
            String out = config.output().name();
            boolean probs = config.output().kind() == ModelConfig.OutputKind.PROBABILITIES;
            int expectedPasses = 1;
            for (int i = 0; i < classes.size(); i++) {
                int c = classes.get(i);
                ReferenceScoreCam.Map ref = ReferenceScoreCamVariants.map(x -> plain.run(x, out), input, h, w,
                        activations, description.channels(), description.layerHeight(), description.layerWidth(), c,
                        probs, convention, masks);
                expectedPasses = 1 + ref.passes();
                ClassMap map = result.maps().get(i);
                assertEquals(c, map.classId());
                double maxError = 0;
                for (int p = 0; p < ref.values().length; p++) {
                    assertTrue(Float.isFinite(map.values()[p]), "NaN/inf in the map");
                    maxError = Math.max(maxError, Math.abs(map.values()[p] - ref.values()[p]));
                }
                assertTrue(maxError <= TOLERANCE, modelName + " " + convention + " " + method + " class " + c
                        + ": max abs error " + maxError);
                if (!Double.isNaN(ref.rawMax())) {
                    assertEquals(ref.rawMax(), map.rawMax(), 1e-3 * Math.max(1, ref.rawMax()), "raw max");
                }
            }
            assertEquals(expectedPasses, result.forwardPasses(), "forward passes of a fresh frame");
        }
    }

    @Test
    void rowsAreCachedPerSettingsAndTheSameFrameGetsTheSameMap() throws Exception {
        RgbImage image = EngineExactnessTest.randomImage(new Random(99), 40, 40);
        FrameResult first = engine.explain(request("vgg", image, List.of(0), Method.SS_CAM, Convention.SEED, 2, 0.5f, 0))
                .get(60, TimeUnit.SECONDS);
        FrameResult again = engine.explain(request("vgg", image, List.of(0), Method.SS_CAM, Convention.SEED, 2, 0.5f, 0))
                .get(60, TimeUnit.SECONDS);
        assertEquals(0, again.forwardPasses(), "a repeated frame is answered from the cache");
        assertArrayEquals(first.maps().get(0).values(), again.maps().get(0).values());
        FrameResult otherSigma = engine.explain(request("vgg", image, List.of(0), Method.SS_CAM, Convention.SEED, 2,
                1.5f, 0)).get(60, TimeUnit.SECONDS);
        assertTrue(otherSigma.forwardPasses() > 0, "another sigma is other rows, not the cached ones");
        FrameResult oneStep = engine.explain(request("vgg", image, List.of(0), Method.IS_CAM, Convention.SEED, 0, 0f, 1))
                .get(60, TimeUnit.SECONDS);
        FrameResult exact = engine.explain(request("vgg", image, List.of(0), Method.SCORE_CAM, Convention.SEED, 0, 0f, 0))
                .get(60, TimeUnit.SECONDS);
        float[] a = oneStep.maps().get(0).values();
        float[] b = exact.maps().get(0).values();
        for (int p = 0; p < a.length; p++) {
            assertEquals(b[p], a[p], 1e-5, "IS-CAM with one step is exact Score-CAM");
        }
    }

    @Test
    void outOfRangeSettingsAreNamed() {
        RgbImage image = EngineExactnessTest.randomImage(new Random(5), 20, 20);
        ExecutionException e = assertThrows(ExecutionException.class, () -> engine.explain(
                request("vgg", image, List.of(0), Method.SS_CAM, Convention.SEED, 257, 0f, 0)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(ScoreCamException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("ss_samples"), e.getCause().getMessage());
        e = assertThrows(ExecutionException.class, () -> engine.explain(
                request("vgg", image, List.of(0), Method.SS_CAM, Convention.SEED, 0, -1f, 0)).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("ss_sigma"), e.getCause().getMessage());
        e = assertThrows(ExecutionException.class, () -> engine.explain(
                request("vgg", image, List.of(0), Method.IS_CAM, Convention.SEED, 0, 0f, -3)).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("is_steps"), e.getCause().getMessage());
    }

    private static FrameRequest request(String model, RgbImage image, List<Integer> classes, Method method,
                                        Convention convention, int ssSamples, float ssSigma, int isSteps) {
        return new FrameRequest(model, image, classes, 1, method, convention, 0, MapSize.MODEL_INPUT,
                new CancellationToken(), false, 0, ssSamples, ssSigma, isSteps);
    }
}
