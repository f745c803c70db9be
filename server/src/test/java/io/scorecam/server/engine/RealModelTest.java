package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.onnx.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The int8 MobileNetV2 from ../shared (skipped when absent) on a real photo: a bulldog in the upper part,
 * a tabby cat across the bottom. int8 models move logits on tiny mask differences, so this checks what the
 * maps mean, not their last digits.
 */
class RealModelTest {
    private static final int BULL_MASTIFF = 243;
    private static final int TIGER_CAT = 282;
    private static ScoreCamEngine engine;
    private static RgbImage both;

    @BeforeAll
    static void load() throws Exception {
        Path model = SharedFiles.sharedDir().resolve("models/mobilenetv2-12-int8");
        Path image = SharedFiles.sharedDir().resolve("images/both.png");
        assumeTrue(Files.isRegularFile(model.resolve("model.onnx")) && Files.isRegularFile(image),
                "../shared MobileNetV2 or images/both.png absent");
        engine = TestModels.engine(List.of(model), 16);
        both = new ImageDecoder(50_000_000L).decode(Files.readAllBytes(image));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void findsTheLayerAndTheDogAndTheCat() throws Exception {
        ModelDescription d = engine.models().get(0);
        assertEquals("627", d.targetLayer());
        assertEquals(1280, d.channels());
        assertEquals(7, d.layerHeight());

        FrameResult r = engine.explain(new FrameRequest("", both, List.of(BULL_MASTIFF, TIGER_CAT), 1,
                Method.SCORE_CAM, Convention.SEED, 0, MapSize.MODEL_INPUT, new CancellationToken()))
                .get(10, TimeUnit.MINUTES);
        // On AVX512/VNNI machines ORT ranks 243 first (~0.53); on AVX2-only CPUs its u8s8 int8 kernels saturate
        // (onnxruntime#14642) and 282 edges ahead (0.40 vs 0.34 here). Either way these are the top two.
        List<Integer> topTwo = List.of(r.predictions().get(0).classId(), r.predictions().get(1).classId());
        assertTrue(topTwo.containsAll(List.of(BULL_MASTIFF, TIGER_CAT)), "top classes of both.png: " + r.predictions());
        assertEquals("bull mastiff", d.labels().get(BULL_MASTIFF));
        ClassMap dog = r.maps().get(0);
        ClassMap cat = r.maps().get(1);
        double dogUpper = upperShare(dog);
        double catUpper = upperShare(cat);
        assertTrue(dogUpper > 0.5, "the dog's map should sit in the upper half: " + dogUpper);
        assertTrue(catUpper < 0.5, "the cat's map should sit in the lower half: " + catUpper);
        assertTrue(r.forwardPasses() <= 1281 && r.forwardPasses() > 100, "passes " + r.forwardPasses());
    }

    /** Fraction of the map's energy in the upper half of the image. */
    private static double upperShare(ClassMap map) {
        double upper = 0;
        double total = 0;
        for (int y = 0; y < map.height(); y++) {
            for (int x = 0; x < map.width(); x++) {
                double v = map.values()[y * map.width() + x];
                total += v;
                if (y < map.height() / 2) {
                    upper += v;
                }
            }
        }
        return total == 0 ? 0.5 : upper / total;
    }
}
