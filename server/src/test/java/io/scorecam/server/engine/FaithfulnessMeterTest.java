package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.image.RiseBlur;
import io.scorecam.server.model.ModelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The faithfulness metrics through the engine on the bundled model: hand-made maps must rank correctly,
 * and the curves must equal scores a plain loop computes image by image with ONNX Runtime.
 */
class FaithfulnessMeterTest {
    private static final int STEPS = 16;
    private static ScoreCamEngine engine;
    private static ModelConfig config;

    @BeforeAll
    static void load() {
        engine = TestModels.engine(List.of(TestModels.bundledModel()), 16);
        config = ModelConfig.load(TestModels.bundledModel());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private record Frame(RgbImage image, int classId, int x0, int y0, int x1, int y1) { }

    /** The single-shape frames of the bundled video with their boxes (frame pixel coordinates). */
    private static List<Frame> singleShapeFrames() throws Exception {
        Path frames = TestModels.bundledModel().resolve("frames");
        JsonNode truth = new ObjectMapper().readTree(frames.resolve("boxes.json").toFile());
        ImageDecoder decoder = new ImageDecoder(10_000_000L);
        List<Frame> out = new ArrayList<>();
        for (JsonNode frame : truth.get("frames")) {
            if (frame.get("objects").size() != 1) {
                continue;
            }
            JsonNode o = frame.get("objects").get(0);
            JsonNode b = o.get("box");
            RgbImage image = decoder.decode(Files.readAllBytes(frames.resolve(frame.get("file").asText())));
            out.add(new Frame(image, o.get("class_id").asInt(), b.get(0).asInt(), b.get(1).asInt(),
                    b.get(2).asInt(), b.get(3).asInt()));
        }
        return out;
    }

    /** 1 on model-input pixels whose centre (in frame coordinates, STRETCH resize) is in the box, else 0. */
    private static float[] boxMap(Frame f, boolean inside) {
        int w = config.input().width();
        int h = config.input().height();
        float[] map = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double fx = (x + 0.5) * f.image().width() / w;
                double fy = (y + 0.5) * f.image().height() / h;
                boolean in = fx >= f.x0() && fx < f.x1() && fy >= f.y0() && fy < f.y1();
                map[y * w + x] = in == inside ? 1f : 0f;
            }
        }
        return map;
    }

    private static FrameRequest request(RgbImage image, int steps) {
        return new FrameRequest("", image, List.of(), 1, Method.SCORE_CAM, Convention.SEED, 0,
                MapSize.MODEL_INPUT, new CancellationToken(), true, steps);
    }

    private static Faithfulness measure(RgbImage image, int classId, float[] map, int steps) throws Exception {
        return engine.measureFaithfulness(request(image, steps), classId, map).get(2, TimeUnit.MINUTES);
    }

    @Test
    void aMapOnTheObjectIsMoreFaithfulThanOneOnTheBackground() throws Exception {
        List<Frame> frames = singleShapeFrames();
        assertTrue(frames.size() >= 10, "the bundled video needs >= 10 single-shape frames, has " + frames.size());
        int drop = 0;
        int deletion = 0;
        int insertion = 0;
        for (Frame f : frames) {
            Faithfulness object = measure(f.image(), f.classId(), boxMap(f, true), STEPS);
            Faithfulness background = measure(f.image(), f.classId(), boxMap(f, false), STEPS);
            assertEquals(STEPS + 1, object.deletionCurve().length);
            assertEquals(STEPS + 1, object.insertionCurve().length);
            drop += object.drop() < background.drop() ? 1 : 0;
            deletion += object.deletionAuc() < background.deletionAuc() ? 1 : 0;
            insertion += object.insertionAuc() > background.insertionAuc() ? 1 : 0;
        }
        int n = frames.size();
        System.out.printf("object vs background map on %d single-shape frames: drop lower %d/%d, deletion AUC"
                + " lower %d/%d, insertion AUC higher %d/%d%n", n, drop, n, deletion, n, insertion, n);
        assertTrue(drop >= 0.8 * n, "drop: " + drop + "/" + n);
        assertTrue(deletion >= 0.8 * n, "deletion: " + deletion + "/" + n);
        assertTrue(insertion >= 0.8 * n, "insertion: " + insertion + "/" + n);
    }

    @Test
    void curvesEqualAPlainLoopOverHandBuiltImages() throws Exception {
        Frame f = singleShapeFrames().get(0);
        int steps = 5;
        int w = config.input().width();
        int h = config.input().height();
        int hw = w * h;
        float[] map = new float[hw];
        Random random = new Random(3);
        for (int i = 0; i < hw; i++) {
            map[i] = random.nextInt(50) / 49f; // many ties: the tie rule matters
        }
        Faithfulness got = measure(f.image(), f.classId(), map, steps);

        float[] input = new Preprocessor(config.input()).toChw(f.image());
        Integer[] order = new Integer[hw];
        for (int i = 0; i < hw; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> map[a] != map[b] ? Float.compare(map[b], map[a])
                : Integer.compare(a, b));
        float[] blurred = blur2d(input, h, w);
        int step = (hw + steps - 1) / steps;
        try (TestModels.PlainOrt ort = new TestModels.PlainOrt(Files.readAllBytes(config.modelFile()),
                config.input().name(), h, w)) {
            float y = score(ort, input, f.classId());
            assertEquals(y, got.originalScore(), 1e-5);
            float[] times = new float[input.length];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < hw; p++) {
                    times[c * hw + p] = input[c * hw + p] * map[p];
                }
            }
            assertEquals(score(ort, times, f.classId()), got.explanationScore(), 1e-5);
            for (int i = 0; i <= steps; i++) {
                float[] deleted = input.clone();
                float[] inserted = blurred.clone();
                for (int r = 0; r < Math.min(i * step, hw); r++) {
                    for (int c = 0; c < 3; c++) {
                        deleted[c * hw + order[r]] = 0f;
                        inserted[c * hw + order[r]] = input[c * hw + order[r]];
                    }
                }
                assertEquals(score(ort, deleted, f.classId()), got.deletionCurve()[i], 1e-5, "deletion " + i);
                assertEquals(score(ort, inserted, f.classId()), got.insertionCurve()[i], 1e-5, "insertion " + i);
            }
        }
    }

    @Test
    void metricsMeasureTheModelInputMapWhateverMapSizeWasAsked() throws Exception {
        RgbImage image = singleShapeFrames().get(1).image();
        List<Faithfulness> seen = new ArrayList<>();
        for (MapSize size : MapSize.values()) {
            FrameRequest r = new FrameRequest("", image, List.of(), 2, Method.SCORE_CAM, Convention.GRAD_CAM_LIB,
                    0, size, new CancellationToken(), true, 6);
            FrameResult result = engine.explain(r).get(2, TimeUnit.MINUTES);
            assertEquals(2, result.maps().size());
            seen.add(result.maps().get(1).faithfulness());
        }
        for (Faithfulness f : seen) {
            assertEquals(seen.get(0).explanationScore(), f.explanationScore(), 1e-6);
            for (int i = 0; i <= 6; i++) {
                assertEquals(seen.get(0).deletionCurve()[i], f.deletionCurve()[i], 1e-6);
                assertEquals(seen.get(0).insertionCurve()[i], f.insertionCurve()[i], 1e-6);
            }
        }
    }

    /** Softmax probability of a class for one image (the bundled model outputs logits). */
    private static float score(TestModels.PlainOrt ort, float[] chw, int classId) {
        float[] logits = ort.run(chw, config.output().name());
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return (float) (Math.exp(logits[classId] - max) / sum);
    }

    /** conv2d of each channel with the 11x11 gkern, zero padding 5: the direct 2-D sum, not separable. */
    private static float[] blur2d(float[] chw, int h, int w) {
        float[] k = RiseBlur.kernel2d();
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int ky = 0; ky < 11; ky++) {
                        for (int kx = 0; kx < 11; kx++) {
                            int sy = y + ky - 5;
                            int sx = x + kx - 5;
                            if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                                v += k[ky * 11 + kx] * chw[c * h * w + sy * w + sx];
                            }
                        }
                    }
                    out[c * h * w + y * w + x] = (float) v;
                }
            }
        }
        return out;
    }
}
