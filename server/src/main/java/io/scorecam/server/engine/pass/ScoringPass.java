package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.LongTensor;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.onnx.GraphSurgery;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Session B, the fused scoring graph, as a batch kind. Each item is one activation channel of one frame;
 * the graph upsamples, normalises and multiplies the maps into their frames itself, so the batch input
 * is only the distinct frames once plus one small map per item.
 */
public final class ScoringPass extends SessionPass<ScoringPass.Item> {
    /** One masked pass: channel {@code channel} of {@code frame}. */
    public record Item(FrameFeatures frame, int channel) { }

    private final InferenceSession session;
    private final int inputChannels;
    private final int height;
    private final int width;
    private final int layerHeight;
    private final int layerWidth;
    private static final List<String> OUTPUTS = List.of(GraphSurgery.SCORES, GraphSurgery.MAP_MIN, GraphSurgery.MAP_MAX);

    public ScoringPass(String name, InferenceSession session, int inputChannels, int height, int width,
                int layerHeight, int layerWidth, int maxBatch) {
        super(name, maxBatch);
        this.session = session;
        this.inputChannels = inputChannels;
        this.height = height;
        this.width = width;
        this.layerHeight = layerHeight;
        this.layerWidth = layerWidth;
    }

    /** The graph's inputs for a batch: each distinct frame once, one map and one frame index per item. */
    public Map<String, Tensor> inputs(List<Item> items) {
        int b = items.size();
        int mapSize = layerHeight * layerWidth;
        Map<FrameFeatures, Integer> frameIndex = new IdentityHashMap<>();
        List<float[]> frames = new ArrayList<>();
        LongTensor index = LongTensor.allocate(b);
        LongBuffer indexBuffer = index.data().duplicate();
        FloatTensor maps = FloatTensor.allocate(b, 1, layerHeight, layerWidth);
        FloatBuffer mapBuffer = maps.data().duplicate();
        for (Item item : items) {
            Integer idx = frameIndex.get(item.frame());
            if (idx == null) {
                idx = frames.size();
                frameIndex.put(item.frame(), idx);
                frames.add(item.frame().input());
            }
            indexBuffer.put(idx);
            mapBuffer.put(item.frame().activations(), item.channel() * mapSize, mapSize);
        }
        FloatTensor frameTensor = FloatTensor.allocate(frames.size(), inputChannels, height, width);
        FloatBuffer frameBuffer = frameTensor.data().duplicate();
        for (float[] f : frames) {
            frameBuffer.put(f);
        }
        return Map.of(GraphSurgery.FRAMES, frameTensor, GraphSurgery.MAPS, maps, GraphSurgery.INDEX, index);
    }

    public InferenceSession session() {
        return session;
    }

    public static List<String> outputs() {
        return OUTPUTS;
    }

    @Override
    public List<Object> run(List<Item> items) {
        int b = items.size();
        Map<String, FloatTensor> out = session.run(inputs(items), OUTPUTS);
        float[] scores = out.get(GraphSurgery.SCORES).toArray();
        float[] mins = out.get(GraphSurgery.MAP_MIN).toArray();
        float[] maxs = out.get(GraphSurgery.MAP_MAX).toArray();
        float[][] rows = rows(scores, b);
        List<Object> results = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            results.add(new ScoreRow(rows[i], mins[i], maxs[i]));
        }
        return results;
    }
}
