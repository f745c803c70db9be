package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.SyntheticModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine (fused scoring graph, batching, layer-resolution combination) against the plain-loop
 * reference, for every convention, on synthesised topologies and on the bundled model.
 */
class EngineExactnessTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static ScoreCamEngine engine;
    private static final List<Path> MODEL_DIRS = new ArrayList<>();

    @BeforeAll
    static void loadModels() throws Exception {
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "vgg", SyntheticModels.vggLike(1), false));
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "resnet", SyntheticModels.resnetLike(2), false));
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "pytorch", SyntheticModels.pytorchLike(3, 13), false));
        MODEL_DIRS.add(TestModels.writeModelDir(dir, "softmax", SyntheticModels.endsInSoftmax(4), true));
        MODEL_DIRS.add(TestModels.bundledModel());
        // batch 5: K is never a multiple of it, so frames split across batches
        engine = TestModels.engine(MODEL_DIRS, 5);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String model : List.of("vgg", "resnet", "pytorch", "softmax", "shapes")) {
            for (Convention c : Convention.values()) {
                cases.add(Arguments.of(model, c));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void engineEqualsReference(String modelName, Convention convention) throws Exception {
        Path modelDir = MODEL_DIRS.stream().filter(p -> p.getFileName().toString().equals(modelName))
                .findFirst().orElseThrow();
        ModelConfig config = ModelConfig.load(modelDir);
        ModelDescription description = engine.models().stream()
                .filter(m -> m.name().equals(modelName)).findFirst().orElseThrow();
        RgbImage image = randomImage(new Random(modelName.hashCode() + convention.ordinal()),
                config.input().width() + 7, config.input().height() + 3);
        List<Integer> classes = description.numClasses() > 1 ? List.of(0, description.numClasses() - 1) : List.of(0);

        FrameResult result = engine.explain(new FrameRequest(modelName, image, classes, 1, Method.SCORE_CAM,
                convention, 0, MapSize.MODEL_INPUT, new CancellationToken())).get(60, TimeUnit.SECONDS);

        int h = config.input().height();
        int w = config.input().width();
        float[] input = new Preprocessor(config.input()).toChw(image);
        try (TestModels.PlainOrt plain = new TestModels.PlainOrt(java.nio.file.Files.readAllBytes(config.modelFile()),
                config.input().name(), h, w);
             TestModels.PlainOrt layer = TestModels.PlainOrt.withLayer(config.modelFile(), description.targetLayer(),
                     config.input().name(), h, w)) {
            float[] activations = layer.run(input, description.targetLayer());
            String out = config.output().name();
            boolean probs = config.output().kind() == ModelConfig.OutputKind.PROBABILITIES;
            int expectedPasses = 1;
            for (int i = 0; i < classes.size(); i++) {
                int c = classes.get(i);
                ReferenceScoreCam.Map ref = switch (convention) {
                    case SEED -> ReferenceScoreCam.seed(x -> plain.run(x, out), input, h, w, activations,
                            description.channels(), description.layerHeight(), description.layerWidth(), c, probs);
                    case OFFICIAL -> ReferenceScoreCam.official(x -> plain.run(x, out), input, h, w, activations,
                            description.channels(), description.layerHeight(), description.layerWidth(), c, probs);
                    case GRAD_CAM_LIB -> ReferenceScoreCam.gradCamLib(x -> plain.run(x, out), input, h, w,
                            activations, description.channels(), description.layerHeight(),
                            description.layerWidth(), c);
                };
                expectedPasses = 1 + ref.passes();
                ClassMap map = result.maps().get(i);
                assertEquals(c, map.classId());
                assertEquals(w, map.width());
                assertEquals(h, map.height());
                double maxError = 0;
                for (int p = 0; p < ref.values().length; p++) {
                    assertTrue(Float.isFinite(map.values()[p]), "NaN/inf in the map");
                    maxError = Math.max(maxError, Math.abs(map.values()[p] - ref.values()[p]));
                }
                assertTrue(maxError <= TOLERANCE, modelName + " " + convention + " class " + c
                        + ": max abs error " + maxError);
                assertEquals(ref.rawMax(), map.rawMax(), 1e-3 * Math.max(1, ref.rawMax()), "raw max");
            }
            assertEquals(expectedPasses, result.forwardPasses(), "forward passes of a fresh frame");
        }
    }

    static RgbImage randomImage(Random random, int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        // smooth blobs plus noise: realistic activations, few dead channels
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 90 * Math.sin(x * (0.2 + 0.1 * c) + y * 0.15) + 30 * random.nextGaussian();
                    rgb[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
