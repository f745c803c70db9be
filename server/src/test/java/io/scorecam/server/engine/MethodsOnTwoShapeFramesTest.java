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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CAM method on the bundled two-shape frames (two shapes of different classes, ground-truth boxes):
 * map sizes for the three map sizes, values finite in [0, 1], and class discrimination: each shape's
 * class map is denser (mean value) in its own box than in the other shape's box on most shapes
 * (class-specific methods), or the very same map for both classes (EIGEN_CAM, flagged class-agnostic).
 */
class MethodsOnTwoShapeFramesTest {
    /**
     * Measured (SEED, 88 shapes in 44 frames): own box denser for SCORE_CAM 0.92, FASTER_SCORE_CAM 0.89,
     * RECIPRO_CAM 1.00. Density (mean map value in the box), not total energy, because the boxes differ in
     * size: by total energy the fractions are 0.86, 0.91 and 0.80.
     */
    private static final double DISCRIMINATION_BOUND = 0.8;
    private static ScoreCamEngine engine;
    private static List<RgbImage> images;
    private static List<List<Shape>> shapes;
    /** SCORE_CAM's maps (frame * 2 + shape), for the printed correlation of the other methods. */
    private static final Map<Integer, float[]> exactMaps = new HashMap<>();

    private record Shape(int classId, int x0, int y0, int x1, int y1) {
        int area() {
            return (x1 - x0) * (y1 - y0);
        }

        boolean contains(int x, int y) {
            return x >= x0 && x < x1 && y >= y0 && y < y1;
        }
    }

    @BeforeAll
    static void load() throws Exception {
        engine = TestModels.engine(List.of(TestModels.bundledModel()), 16);
        Path frames = TestModels.bundledModel().resolve("frames");
        JsonNode truth = new ObjectMapper().readTree(frames.resolve("boxes.json").toFile());
        ImageDecoder decoder = new ImageDecoder(10_000_000L);
        images = new ArrayList<>();
        shapes = new ArrayList<>();
        for (JsonNode frame : truth.get("frames")) {
            List<Shape> objects = new ArrayList<>();
            for (JsonNode o : frame.get("objects")) {
                JsonNode b = o.get("box");
                objects.add(new Shape(o.get("class_id").asInt(), b.get(0).asInt(), b.get(1).asInt(),
                        b.get(2).asInt(), b.get(3).asInt()));
            }
            if (objects.size() == 2 && objects.get(0).classId() != objects.get(1).classId()) {
                images.add(decoder.decode(Files.readAllBytes(frames.resolve(frame.get("file").asText()))));
                shapes.add(objects);
            }
        }
        assertTrue(images.size() >= 20, "the bundled video needs >= 20 two-shape frames, has " + images.size());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /**
     * The methods this qualitative check was written for. SS_CAM and IS_CAM are left out: their exactness is
     * ScoreCamVariantsExactnessTest's, and SS_CAM's paper default noise (sigma 2 on a [0,1] mask) swamps this
     * 5-class model's masks (own-box fraction 0.5: it does not separate the two shapes); both cost 10-35x
     * exact Score-CAM's passes here. The fidelity report measures them on the same frames.
     */
    static java.util.stream.Stream<Method> registered() {
        return Methods.ids().stream().filter(m -> m != Method.SS_CAM && m != Method.IS_CAM);
    }

    @ParameterizedTest
    @MethodSource("registered")
    void shapesRangeAndClassDiscrimination(Method method) throws Exception {
        ModelDescription d = engine.models().get(0);
        boolean agnostic = method == Method.EIGEN_CAM;
        int own = 0;
        int ownDensity = 0;
        double pearsonSum = 0;
        int pearsonCount = 0;
        int total = 0;
        for (int f = 0; f < images.size(); f++) {
            RgbImage image = images.get(f);
            List<Shape> pair = shapes.get(f);
            List<Integer> classes = List.of(pair.get(0).classId(), pair.get(1).classId());
            int[][] sizes = {{d.inputWidth(), d.inputHeight()}, {d.layerWidth(), d.layerHeight()},
                {image.width(), image.height()}};
            MapSize[] kinds = {MapSize.MODEL_INPUT, MapSize.LAYER, MapSize.ORIGINAL};
            FrameResult original = null;
            for (int s = 0; s < kinds.length; s++) {
                FrameResult r = engine.explain(new FrameRequest("", image, classes, 1, method, Convention.SEED, 0,
                        kinds[s], new CancellationToken())).get(5, TimeUnit.MINUTES);
                assertEquals(2, r.maps().size());
                for (ClassMap map : r.maps()) {
                    assertEquals(sizes[s][0], map.width(), method + " " + kinds[s] + " width");
                    assertEquals(sizes[s][1], map.height(), method + " " + kinds[s] + " height");
                    assertEquals(map.width() * map.height(), map.values().length);
                    for (float v : map.values()) {
                        assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, method + " value " + v);
                    }
                    assertEquals(agnostic, map.classAgnostic(), method + " classAgnostic");
                }
                if (agnostic) {
                    assertArrayEquals(r.maps().get(0).values(), r.maps().get(1).values(), "EIGEN_CAM: one map");
                }
                if (kinds[s] == MapSize.MODEL_INPUT) {
                    for (int c = 0; c < 2; c++) {
                        float[] values = r.maps().get(c).values();
                        if (method == Method.SCORE_CAM) {
                            exactMaps.put(f * 2 + c, values);
                        } else if (exactMaps.containsKey(f * 2 + c)) {
                            pearsonSum += pearson(values, exactMaps.get(f * 2 + c));
                            pearsonCount++;
                        }
                    }
                }
                original = r;
            }
            for (int s = 0; s < 2; s++) {
                ClassMap map = original.maps().get(s);
                Shape mine = pair.get(s);
                Shape other = pair.get(1 - s);
                total++;
                if (energyIn(map, mine) > energyIn(map, other)) {
                    own++;
                }
                if (energyIn(map, mine) / mine.area() > energyIn(map, other) / other.area()) {
                    ownDensity++;
                }
            }
        }
        double fraction = ownDensity / (double) total;
        System.out.printf("%s: a shape's class map is denser in its own box than in the other's for %d/%d shapes"
                + " = %.3f (more total energy: %d/%d)%n", method, ownDensity, total, fraction, own, total);
        if (pearsonCount > 0) {
            double pearson = pearsonSum / pearsonCount;
            System.out.printf("%s: mean Pearson correlation with SCORE_CAM's maps (SEED, model input size) %.3f "
                    + "over %d maps%n", method, pearson, pearsonCount);
            // Faster Score-CAM is exact Score-CAM on a subset of its channels: close to it (0.92 measured);
            // the others are other methods, but a map anti-correlated with exact's would be a wrong map
            double bound = method == Method.FASTER_SCORE_CAM ? 0.85 : 0.0;
            assertTrue(pearson > bound, method + ": mean Pearson correlation with SCORE_CAM " + pearson
                    + " is not above " + bound);
        }
        if (!agnostic) {
            assertTrue(fraction >= DISCRIMINATION_BOUND, method + ": own-box fraction " + fraction);
        }
    }

    private static double pearson(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    private static double energyIn(ClassMap map, Shape box) {
        double sum = 0;
        for (int i = 0; i < map.values().length; i++) {
            if (box.contains(i % map.width(), i / map.width())) {
                sum += map.values()[i];
            }
        }
        return sum;
    }
}
