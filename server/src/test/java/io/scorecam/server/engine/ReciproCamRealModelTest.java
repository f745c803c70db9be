package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.HeadGraph;
import io.scorecam.server.onnx.HeadGraphSpec;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RECIPRO_CAM on the QOperator int8 MobileNetV2 from ../shared (skipped when absent): its head reads the
 * uint8 tensor behind the target layer, so this is the re-quantising split on a real model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReciproCamRealModelTest {
    private static final int BULL_MASTIFF = 243;
    private static final int TIGER_CAT = 282;
    private static Path modelDir;
    private static ScoreCamEngine engine;
    private static List<RgbImage> images;

    @BeforeAll
    static void load() throws Exception {
        modelDir = SharedFiles.sharedDir().resolve("models/mobilenetv2-12-int8");
        Path imageDir = SharedFiles.sharedDir().resolve("images");
        assumeTrue(Files.isRegularFile(modelDir.resolve("model.onnx")) && Files.isDirectory(imageDir),
                "../shared MobileNetV2 or images absent");
        engine = TestModels.engine(List.of(modelDir), 16);
        ImageDecoder decoder = new ImageDecoder(50_000_000L);
        images = new ArrayList<>();
        try (Stream<Path> files = Files.list(imageDir)) {
            for (Path p : files.sorted().toList()) {
                images.add(decoder.decode(Files.readAllBytes(p)));
            }
        }
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    @Order(1) // before the other tests put these frames in the cache
    void mapsAreFiniteInUnitRangeAndCostOnePassPerCell() throws Exception {
        ModelDescription d = engine.models().get(0);
        for (RgbImage image : images) {
            FrameResult r = engine.explain(new FrameRequest("", image, List.of(), 2, Method.RECIPRO_CAM,
                    Convention.SEED, 0, MapSize.MODEL_INPUT, new CancellationToken())).get(5, TimeUnit.MINUTES);
            assertEquals(1 + d.layerWidth() * d.layerHeight(), r.forwardPasses(), "feature pass + one per cell");
            FrameResult again = engine.explain(new FrameRequest("", image, List.of(), 3, Method.RECIPRO_CAM,
                    Convention.GRAD_CAM_LIB, 0, MapSize.LAYER, new CancellationToken())).get(5, TimeUnit.MINUTES);
            assertEquals(0, again.forwardPasses(), "cell scores are cached per frame, whatever the convention");
            assertEquals(2, r.maps().size());
            for (ClassMap map : r.maps()) {
                assertEquals(d.inputWidth() * d.inputHeight(), map.values().length);
                float max = 0;
                for (float v : map.values()) {
                    assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, "value " + v);
                    max = Math.max(max, v);
                }
                assertEquals(1f, max, 1e-6f, "min-max normalised map reaches 1");
                assertTrue(!map.classAgnostic());
            }
        }
    }

    @Test
    void dogAboveCatOnBothPng() throws Exception {
        RgbImage both = new ImageDecoder(50_000_000L).decode(Files.readAllBytes(
                SharedFiles.sharedDir().resolve("images/both.png")));
        FrameResult r = engine.explain(new FrameRequest("", both, List.of(BULL_MASTIFF, TIGER_CAT), 1,
                Method.RECIPRO_CAM, Convention.SEED, 0, MapSize.LAYER, new CancellationToken()))
                .get(5, TimeUnit.MINUTES);
        double dog = upperShare(r.maps().get(0));
        double cat = upperShare(r.maps().get(1));
        System.out.printf("RECIPRO_CAM on both.png: upper-half share dog %.3f, cat %.3f%n", dog, cat);
        assertTrue(dog > cat, "the dog's map should sit higher than the cat's: " + dog + " vs " + cat);
    }

    /** The head graph on the unmasked map (F times the identity) reproduces the model's own output. */
    @Test
    void headOnUnmaskedFeaturesReproducesTheModelOutput() throws Exception {
        ModelConfig config = ModelConfig.load(modelDir);
        ModelDescription d = engine.models().get(0);
        OnnxModel model = OnnxModel.read(config.modelFile());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Preprocessor preprocessor = new Preprocessor(config.input());
        int h = config.input().height();
        int w = config.input().width();
        try (TestModels.PlainOrt full = TestModels.PlainOrt.withLayer(config.modelFile(), d.targetLayer(),
                config.input().name(), h, w);
             OrtSession head = env.createSession(HeadGraph.build(model, new HeadGraphSpec(d.targetLayer(),
                     config.output().name(), d.channels(), d.layerHeight(), d.layerWidth(), false)),
                     new OrtSession.SessionOptions())) {
            for (RgbImage image : images) {
                float[] chw = preprocessor.toChw(image);
                float[] logits = full.run(chw, config.output().name());
                float[] layer = full.run(chw, d.targetLayer());
                int hw = d.layerHeight() * d.layerWidth();
                float[] identity = new float[hw * hw];
                for (int p = 0; p < hw; p++) {
                    identity[p * hw + p] = 1f;
                }
                float[] headLogits;
                // centres F [1, K, h*w] times weights I [1, h*w, h*w]: the head on the unmasked map
                try (OnnxTensor f = OnnxTensor.createTensor(env, FloatBuffer.wrap(layer),
                        new long[] {1, d.channels(), hw});
                     OnnxTensor weights = OnnxTensor.createTensor(env, FloatBuffer.wrap(identity),
                             new long[] {1, hw, hw});
                     OrtSession.Result out = head.run(Map.of(HeadGraph.CENTRES, f, HeadGraph.WEIGHTS, weights),
                             Set.of(HeadGraph.SCORES))) {
                    FloatBuffer fb = ((OnnxTensor) out.get(HeadGraph.SCORES).orElseThrow()).getFloatBuffer();
                    headLogits = new float[fb.remaining()];
                    fb.get(headLogits);
                }
                double largest = 0;
                for (int c = 0; c < logits.length; c++) {
                    largest = Math.max(largest, Math.abs(logits[c] - headLogits[c]));
                }
                System.out.printf("head on unmasked features vs model: top-1 %d vs %d, largest |logit difference| %.3g%n",
                        argmax(headLogits), argmax(logits), largest);
                assertEquals(logits.length, headLogits.length);
                assertEquals(argmax(logits), argmax(headLogits), "top-1 of head vs model");
            }
        }
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Fraction of the map's energy in the upper half. */
    private static double upperShare(ClassMap map) {
        double upper = 0;
        double total = 0;
        for (int y = 0; y < map.height(); y++) {
            for (int x = 0; x < map.width(); x++) {
                double v = map.values()[y * map.width() + x];
                total += v;
                if (2 * y + 1 < map.height()) {
                    upper += v;
                } else if (2 * y + 1 == map.height()) {
                    upper += v / 2; // the middle row of an odd height counts half
                }
            }
        }
        return total == 0 ? 0.5 : upper / total;
    }
}
