package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.HeadGraph;
import io.scorecam.server.onnx.HeadGraphSpec;

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
public final class HeadPass extends SessionPass<HeadPass.Item, ScoreRow> {
    /** One head pass: cell {@code cell} (row-major at layer resolution) of {@code frame}. */
    public record Item(FrameFeatures frame, int cell) { }

    /** The authors' 3x3 filter, [[1/16, 1/8, 1/16], [1/8, 1/4, 1/8], [1/16, 1/8, 1/16]]. */
    private static final float[][] GAUSSIAN = {
        {1 / 16f, 1 / 8f, 1 / 16f},
        {1 / 8f, 1 / 4f, 1 / 8f},
        {1 / 16f, 1 / 8f, 1 / 16f}};
    private static final List<String> OUTPUTS = List.of(HeadGraph.SCORES);

    /**
     * Recipro-CAM's rows: row b is cell b's head pass. The same under every convention (only finishing
     * differs), so one table and one session per model.
     */
    public record Rows() implements RowPass<Item> {
        @Override
        public String rowKey() {
            return "head";
        }

        @Override
        public String sessionKey() {
            return "head";
        }

        @Override
        public int rowCount(LayerShape layer) {
            return layer.mapSize();
        }

        @Override
        public void items(FrameFeatures frame, long seed, int row, List<Item> out) {
            out.add(new Item(frame, row));
        }

        @Override
        public SessionPass<Item, ScoreRow> open(ModelContext model) {
            LayerShape l = model.layer();
            InferenceSession session = model.open(HeadGraph.build(model.onnx(), spec(model)), "head");
            return new HeadPass(model.name() + "/head", session, l.channels(), l.height(), l.width(),
                    batchSize(l));
        }

        /** A model whose head also reads the image around the target layer cannot be split. */
        @Override
        public ScoreCamException unavailable(ModelContext model) {
            try {
                HeadGraph.check(model.onnx(), spec(model));
                return null;
            } catch (ScoreCamException e) {
                return e;
            }
        }

        private static HeadGraphSpec spec(ModelContext model) {
            LayerShape l = model.layer();
            return new HeadGraphSpec(model.layerName(), model.config().output().name(), l.channels(), l.height(),
                    l.width(), !model.outputsProbabilities());
        }
    }

    /**
     * Bound on the masked feature maps one head batch materialises inside ORT (per worker). The cost per
     * head pass measured about flat from 16 to 576 items per batch, so a small bound costs nothing.
     */
    static final long HEAD_BATCH_BYTES = 16L << 20;

    /**
     * One frame's h*w cells per batch (one batch serves every class of the frame), fewer when the masked
     * maps [B, K, h, w] the graph materialises would pass {@link #HEAD_BATCH_BYTES}.
     */
    static int batchSize(LayerShape l) {
        long perItem = 4L * l.channels() * l.height() * l.width();
        long cap = Math.max(1, HEAD_BATCH_BYTES / perItem);
        return (int) Math.min(cap, (long) l.mapSize());
    }

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
    protected InferenceSession ownSession() {
        return session;
    }

    @Override
    public List<ScoreRow> run(List<Item> items) {
        int b = items.size();
        FloatTensor scores = session.run(inputs(items), OUTPUTS).get(HeadGraph.SCORES);
        List<ScoreRow> rows = new ArrayList<>(b);
        for (float[] row : rows(scores, b)) {
            rows.add(new ScoreRow(row, 0f, 0f)); // map min/max mean nothing for a head pass
        }
        return rows;
    }
}
