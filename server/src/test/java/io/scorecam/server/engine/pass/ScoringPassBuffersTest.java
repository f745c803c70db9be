package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.onnx.GraphSurgery;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.ScoringGraphSpec;
import io.scorecam.server.onnx.ScoringGraphSpec.Perturbation;
import io.scorecam.server.onnx.SyntheticModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scoring pass reuses its thread's input buffers batch after batch: a batch must see only its own frames,
 * maps, indices and perturbations, whatever larger or different batch ran before it on that thread.
 */
class ScoringPassBuffersTest {
    private static DjlOrtBackend backend;

    @BeforeAll
    static void open() {
        backend = new DjlOrtBackend(BackendOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest
    @EnumSource(Perturbation.class)
    void reusedBuffersGiveTheResultsOfFreshOnes(Perturbation perturbation) {
        SyntheticModels.Model m = SyntheticModels.vggLike(31);
        ScoringGraphSpec spec = new ScoringGraphSpec(m.input(), m.output(), m.height(), m.width(), false, 1e-5f,
                true, perturbation);
        try (InferenceSession session = backend.open(
                GraphSurgery.scoringGraph(OnnxModel.parse(m.bytes(), "synthetic"), spec), "buffers")) {
            ScoringPass pass = new ScoringPass("buffers", session, m.channels(), m.height(), m.width(),
                    m.layerHeight(), m.layerWidth(), 6, perturbation);
            Random random = new Random(7);
            FrameFeatures a = frame(m, random);
            FrameFeatures b = frame(m, random);
            FrameFeatures c = frame(m, random);
            int k = m.layerChannels();
            // big batch over three frames, then smaller ones that must not see its leftovers, then big again
            List<List<ScoringPass.Item>> batches = List.of(
                    items(perturbation, new FrameFeatures[] {a, b, a, c, b, c}, new int[] {0, 1, 2, 3 % k, 0, 1}),
                    items(perturbation, new FrameFeatures[] {c}, new int[] {2 % k}),
                    items(perturbation, new FrameFeatures[] {b, a}, new int[] {1, 0}),
                    items(perturbation, new FrameFeatures[] {a, a, a, a, a, a}, new int[] {0, 1, 2, 0, 1, 2}),
                    // the same frames in the same slots (pixels kept), then swapped slots (pixels recopied)
                    items(perturbation, new FrameFeatures[] {a, c}, new int[] {1, 2}),
                    items(perturbation, new FrameFeatures[] {a, c, c}, new int[] {2, 0, 1}),
                    items(perturbation, new FrameFeatures[] {c, a}, new int[] {0, 0}));
            for (List<ScoringPass.Item> batch : batches) {
                List<ScoreRow> reused = pass.run(batch);
                assertEquals(batch.size(), reused.size());
                // fresh buffers, one run per run of equal frames (a scoring run masks one frame)
                int from = 0;
                for (int to = 1; to <= batch.size(); to++) {
                    if (to < batch.size() && batch.get(to).frame() == batch.get(from).frame()) {
                        continue;
                    }
                    List<ScoringPass.Item> group = batch.subList(from, to);
                    Map<String, FloatTensor> fresh = session.run(pass.inputs(group), ScoringPass.outputs());
                    float[] scores = fresh.get(GraphSurgery.SCORES).toArray();
                    float[] mins = fresh.get(GraphSurgery.MAP_MIN).toArray();
                    int classes = scores.length / group.size();
                    for (int i = 0; i < group.size(); i++) {
                        float[] expected = new float[classes];
                        System.arraycopy(scores, i * classes, expected, 0, classes);
                        assertArrayEquals(expected, reused.get(from + i).scores(), 1e-6f,
                                "batch of " + batch.size() + " item " + (from + i));
                        assertEquals(mins[i], reused.get(from + i).mapMin(), 1e-6f);
                    }
                    from = to;
                }
            }
        }
    }

    private static List<ScoringPass.Item> items(Perturbation perturbation, FrameFeatures[] frames, int[] channels) {
        List<ScoringPass.Item> items = new ArrayList<>();
        for (int i = 0; i < frames.length; i++) {
            items.add(switch (perturbation) {
                case NONE -> new ScoringPass.Item(frames[i], channels[i]);
                case SCALE -> new ScoringPass.Item(frames[i], channels[i], (i + 1f) / frames.length, 0L, 0f);
                case NOISE -> new ScoringPass.Item(frames[i], channels[i], 1f, 1000L + i, 0.5f);
            });
        }
        return items;
    }

    private static FrameFeatures frame(SyntheticModels.Model m, Random random) {
        float[] input = new float[m.channels() * m.height() * m.width()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        int k = m.layerChannels();
        float[] activations = new float[k * m.layerHeight() * m.layerWidth()];
        for (int i = 0; i < activations.length; i++) {
            activations[i] = random.nextFloat();
        }
        return new FrameFeatures(input, activations, new float[m.classes()], new float[m.classes()], new float[k],
                new float[k]);
    }
}
