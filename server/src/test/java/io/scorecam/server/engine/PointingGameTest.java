package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Class discrimination on the bundled two-shape frames: the map of each shape's class must peak inside
 * that shape's ground-truth box (pointing game) for at least 80% of the shapes. Measured for every
 * convention and printed; asserted on GRAD_CAM_LIB, whose softmax over channels makes the maps the most
 * class-specific (SEED's probability weights are ~0.5 for both classes on most channels of a two-shape
 * frame, so its maps share much of their mass).
 */
class PointingGameTest {
    private static ScoreCamEngine engine;

    @BeforeAll
    static void load() {
        engine = TestModels.engine(List.of(TestModels.bundledModel()), 16);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private record Shape(int classId, int x0, int y0, int x1, int y1) { }

    @Test
    void eachClassMapPeaksInsideItsOwnShape() throws Exception {
        for (Convention convention : Convention.values()) {
            Score score = pointingGame(convention);
            double pointing = score.pointing();
            if (convention == Convention.GRAD_CAM_LIB) {
                assertTrue(pointing >= 0.8, convention + ": pointing game " + pointing);
            }
            assertTrue(pointing > 0.5, convention + " does no better than chance: " + pointing);
            // what it prints, asserted: a class map puts more of its energy in its box than a flat map would
            assertTrue(score.energyInBox() > score.boxArea(), convention + ": mean energy in box "
                    + score.energyInBox() + " is not above the boxes' mean area fraction " + score.boxArea());
        }
    }

    /** Pointing game hit rate, mean fraction of a map's energy inside its box, mean box area / map area. */
    private record Score(double pointing, double energyInBox, double boxArea) { }

    private Score pointingGame(Convention convention) throws Exception {
        Path frames = TestModels.bundledModel().resolve("frames");
        JsonNode truth = new ObjectMapper().readTree(frames.resolve("boxes.json").toFile());
        ImageDecoder decoder = new ImageDecoder(10_000_000L);
        List<CompletableFuture<FrameResult>> results = new ArrayList<>();
        List<List<Shape>> shapes = new ArrayList<>();
        for (JsonNode frame : truth.get("frames")) {
            List<Shape> objects = new ArrayList<>();
            for (JsonNode o : frame.get("objects")) {
                JsonNode b = o.get("box");
                objects.add(new Shape(o.get("class_id").asInt(), b.get(0).asInt(), b.get(1).asInt(),
                        b.get(2).asInt(), b.get(3).asInt()));
            }
            if (objects.size() != 2 || objects.get(0).classId() == objects.get(1).classId()) {
                continue;
            }
            RgbImage image = decoder.decode(Files.readAllBytes(frames.resolve(frame.get("file").asText())));
            shapes.add(objects);
            results.add(engine.explain(new FrameRequest("", image,
                    List.of(objects.get(0).classId(), objects.get(1).classId()), 1, Method.SCORE_CAM,
                    convention, 0, MapSize.ORIGINAL, new CancellationToken())));
        }
        assertTrue(shapes.size() >= 20, "the bundled video needs >= 20 two-shape frames, has " + shapes.size());
        int hits = 0;
        int total = 0;
        double energy = 0;
        double area = 0;
        for (int f = 0; f < results.size(); f++) {
            FrameResult r = results.get(f).get(5, TimeUnit.MINUTES);
            for (int s = 0; s < 2; s++) {
                Shape shape = shapes.get(f).get(s);
                ClassMap map = r.maps().get(s);
                int best = 0;
                double inBox = 0;
                double sum = 0;
                for (int i = 0; i < map.values().length; i++) {
                    if (map.values()[i] > map.values()[best]) {
                        best = i;
                    }
                    sum += map.values()[i];
                    if (inside(shape, i % map.width(), i / map.width())) {
                        inBox += map.values()[i];
                    }
                }
                total++;
                if (inside(shape, best % map.width(), best / map.width())) {
                    hits++;
                }
                energy += sum == 0 ? 0 : inBox / sum;
                area += (double) (shape.x1() - shape.x0()) * (shape.y1() - shape.y0()) / (map.width() * map.height());
            }
        }
        double pointing = hits / (double) total;
        System.out.printf("%s: pointing game %d/%d = %.3f, mean energy in box %.3f (box area %.3f) over %d two-shape"
                + " frames%n", convention, hits, total, pointing, energy / total, area / total, results.size());
        return new Score(pointing, energy / total, area / total);
    }

    private static boolean inside(Shape s, int x, int y) {
        return x >= s.x0() && x < s.x1() && y >= s.y0() && y < s.y1();
    }
}
