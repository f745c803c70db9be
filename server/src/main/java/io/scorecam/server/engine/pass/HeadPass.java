package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.onnx.HeadGraph;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recipro-CAM's head passes as a batch kind. Each item is one cell b = i*w + j of one frame's feature map;
 * the head graph builds the masked map F_b = F[:, i, j] x Gaussian(i, j) itself, so the batch input is the
 * K centre activations and h*w weights per item. Each result is a {@link ScoreRow} of the C class scores
 * (map min/max are meaningless here and 0).
 */
public final class HeadPass extends SessionPass<HeadPass.Item> {
    /** One head pass: cell {@code cell} (row-major at layer resolution) of {@code frame}. */
    public record Item(FrameFeatures frame, int cell) { }

    /** The authors' 3x3 filter, [[1/16, 1/8, 1/16], [1/8, 1/4, 1/8], [1/16, 1/8, 1/16]]. */
    private static final float[][] GAUSSIAN = {
        {1 / 16f, 1 / 8f, 1 / 16f},
        {1 / 8f, 1 / 4f, 1 / 8f},
        {1 / 16f, 1 / 8f, 1 / 16f}};
    private static final List<String> OUTPUTS = List.of(HeadGraph.SCORES);

    private final InferenceSession session;
    private final int channels;
    private final int height;
    private final int width;

    public HeadPass(String name, InferenceSession session, int channels, int height, int width, int maxBatch) {
        super(name, maxBatch);
        this.session = session;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** The graph's inputs for a batch: each item's centre vector and its cell's Gaussian weights. */
    public Map<String, Tensor> inputs(List<Item> items) {
        int b = items.size();
        int hw = height * width;
        FloatTensor centres = FloatTensor.allocate(b, channels, 1);
        FloatBuffer c = centres.data().duplicate();
        FloatTensor weights = FloatTensor.allocate(b, 1, hw); // zero-filled
        FloatBuffer w = weights.data().duplicate();
        for (int n = 0; n < b; n++) {
            Item item = items.get(n);
            float[] a = item.frame().activations();
            for (int k = 0, p = item.cell(); k < channels; k++, p += hw) {
                c.put(a[p]);
            }
            gaussianAround(item.cell(), w, n * hw);
        }
        return Map.of(HeadGraph.CENTRES, centres, HeadGraph.WEIGHTS, weights);
    }

    /** Writes the 3x3 Gaussian centred on the cell, clipped at the borders, into a zeroed h*w map at offset. */
    private void gaussianAround(int cell, FloatBuffer map, int offset) {
        int i = cell / width;
        int j = cell % width;
        for (int di = -1; di <= 1; di++) {
            for (int dj = -1; dj <= 1; dj++) {
                int y = i + di;
                int x = j + dj;
                if (y >= 0 && y < height && x >= 0 && x < width) {
                    map.put(offset + y * width + x, GAUSSIAN[di + 1][dj + 1]);
                }
            }
        }
    }

    @Override
    public List<Object> run(List<Item> items) {
        int b = items.size();
        float[] scores = session.run(inputs(items), OUTPUTS).get(HeadGraph.SCORES).toArray();
        List<Object> rows = new ArrayList<>(b);
        for (float[] row : rows(scores, b)) {
            rows.add(new ScoreRow(row, 0f, 0f)); // map min/max mean nothing for a head pass
        }
        return rows;
    }
}
