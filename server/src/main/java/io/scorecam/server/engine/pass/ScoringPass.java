package io.scorecam.server.engine.pass;

import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.onnx.GraphSurgery;
import io.scorecam.server.onnx.ScoringGraphSpec;
import io.scorecam.server.onnx.ScoringGraphSpec.Perturbation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Session B, the fused scoring graph, as a batch kind. Each item is one activation channel of one frame;
 * the graph upsamples, normalises and multiplies the maps into the frame itself, so a run's input is the
 * frame once plus one small map per item (a batch spanning frames runs once per frame).
 */
public final class ScoringPass extends SessionPass<ScoringPass.Item, ScoreRow> {
    /** One masked pass: channel {@code channel} of {@code frame}. */
    public record Item(FrameFeatures frame, int channel, float scale, long noiseSeed, float sigma) {
        /** The exact mask. */
        public Item(FrameFeatures frame, int channel) {
            this(frame, channel, 1f, 0L, 0f);
        }
    }

    /**
     * Exact Score-CAM's rows under a convention: row k is channel k's masked pass (the convention decides
     * the masks and the score, so it is part of both keys).
     */
    public record Rows(Convention convention) implements RowPass<Item> {
        @Override
        public String rowKey() {
            return "scoring-" + convention;
        }

        @Override
        public String sessionKey() {
            return "scoring-" + convention;
        }

        @Override
        public int rowCount(LayerShape layer) {
            return layer.channels();
        }

        @Override
        public void items(FrameFeatures frame, long seed, int row, List<Item> out) {
            out.add(new Item(frame, row));
        }

        @Override
        public SessionPass<Item, ScoreRow> open(ModelContext model) {
            return ScoringPass.open(model, convention);
        }
    }

    /**
     * Smoothed Score-CAM's rows: row k is the mean score of {@code samples} passes of channel k's normalised
     * mask plus N(0, sigma^2) noise, the noise seeded by the frame's content (reproducible).
     */
    public record Smoothed(Convention convention, int samples, float sigma) implements RowPass<Item> {
        @Override
        public String rowKey() {
            return "smooth-" + convention + "-n" + samples + "-s" + Float.floatToIntBits(sigma);
        }

        @Override
        public String sessionKey() {
            return "smooth-" + convention;
        }

        @Override
        public int rowCount(LayerShape layer) {
            return layer.channels();
        }

        @Override
        public int itemsPerRow() {
            return samples;
        }

        @Override
        public void items(FrameFeatures frame, long seed, int row, List<Item> out) {
            for (int s = 0; s < samples; s++) {
                out.add(new Item(frame, row, 1f, MaskNoise.seed(seed, row, s), sigma));
            }
        }

        @Override
        public ScoreRow reduce(List<ScoreRow> results) {
            return ScoreRow.mean(results);
        }

        @Override
        public SessionPass<Item, ScoreRow> open(ModelContext model) {
            return ScoringPass.open(model, convention, Perturbation.NOISE, sessionKey());
        }
    }

    /**
     * Integrated Score-CAM's rows: row k is the mean score of channel k's normalised mask scaled by i/steps,
     * i = 1..steps (a right Riemann sum of the integral of the score from 0 to the full mask).
     */
    public record Integrated(Convention convention, int steps) implements RowPass<Item> {
        @Override
        public String rowKey() {
            return "integrated-" + convention + "-n" + steps;
        }

        @Override
        public String sessionKey() {
            return "integrated-" + convention;
        }

        @Override
        public int rowCount(LayerShape layer) {
            return layer.channels();
        }

        @Override
        public int itemsPerRow() {
            return steps;
        }

        @Override
        public void items(FrameFeatures frame, long seed, int row, List<Item> out) {
            for (int i = 1; i <= steps; i++) {
                out.add(new Item(frame, row, (float) i / steps, 0L, 0f));
            }
        }

        @Override
        public ScoreRow reduce(List<ScoreRow> results) {
            return ScoreRow.mean(results);
        }

        @Override
        public SessionPass<Item, ScoreRow> open(ModelContext model) {
            return ScoringPass.open(model, convention, Perturbation.SCALE, sessionKey());
        }
    }

    /** Builds the model's fused scoring graph for a convention and opens its session. */
    public static ScoringPass open(ModelContext model, Convention convention) {
        return open(model, convention, Perturbation.NONE, "scoring-" + convention);
    }

    private static ScoringPass open(ModelContext model, Convention convention, Perturbation perturbation,
                                    String name) {
        // probabilities in, probabilities out: a model that ends in softmax gets no second one
        boolean softmax = convention.softmaxScores() && !model.outputsProbabilities();
        ScoringGraphSpec spec = new ScoringGraphSpec(model.config().input().name(), model.config().output().name(),
                model.inputHeight(), model.inputWidth(), convention.alignCorners(), convention.normEps(), softmax,
                perturbation, model.layer().height(), model.layer().width());
        InferenceSession session = model.open(GraphSurgery.scoringGraph(model.onnx(), spec), name);
        return new ScoringPass(model.name() + "/" + name, session, 3, model.inputHeight(), model.inputWidth(),
                model.layer().height(), model.layer().width(), model.batchSize(), perturbation);
    }

    private final InferenceSession session;
    private final Perturbation perturbation;
    private final int inputChannels;
    private final int height;
    private final int width;
    private final int layerHeight;
    private final int layerWidth;
    /** Per batch worker: input buffers reused across batches (bounded: workers x scoring sessions). */
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();
    private static final List<String> OUTPUTS = List.of(GraphSurgery.SCORES, GraphSurgery.MAP_MIN, GraphSurgery.MAP_MAX);

    public ScoringPass(String name, InferenceSession session, int inputChannels, int height, int width,
                int layerHeight, int layerWidth, int maxBatch) {
        this(name, session, inputChannels, height, width, layerHeight, layerWidth, maxBatch, Perturbation.NONE);
    }

    public ScoringPass(String name, InferenceSession session, int inputChannels, int height, int width,
                       int layerHeight, int layerWidth, int maxBatch, Perturbation perturbation) {
        super(name, maxBatch);
        this.perturbation = perturbation;
        this.session = session;
        this.inputChannels = inputChannels;
        this.height = height;
        this.width = width;
        this.layerHeight = layerHeight;
        this.layerWidth = layerWidth;
    }

    /** The graph's inputs for items of one frame, in fresh buffers: the frame once, one map per item. */
    public Map<String, Tensor> inputs(List<Item> items) {
        return fill(items, new Scratch(items.size()));
    }

    /**
     * Fills {@code scratch} (reused by one thread, batch after batch) and returns tensors over its first
     * elements: ORT reads direct buffers in place, so a run costs no allocation and one copy of each map.
     */
    private Map<String, Tensor> fill(List<Item> items, Scratch scratch) {
        int b = items.size();
        int mapSize = layerHeight * layerWidth;
        int frameSize = inputChannels * height * width;
        FrameFeatures frame = items.get(0).frame();
        // a frame's channels arrive batch after batch: its pixels (never written after the feature pass) are
        // copied only when the buffer held another frame
        if (scratch.held != frame) {
            scratch.frames.put(0, frame.input(), 0, frameSize);
            scratch.held = frame;
        }
        FloatBuffer mapBuffer = scratch.maps.clear();
        for (Item item : items) {
            if (item.frame() != frame) {
                throw new IllegalArgumentException("a scoring run masks one frame; split the batch by frame");
            }
            mapBuffer.put(item.frame().activations(), item.channel() * mapSize, mapSize);
        }
        FloatTensor frames = new FloatTensor(new long[] {1, inputChannels, height, width},
                scratch.frames.duplicate().clear().limit(frameSize));
        FloatTensor maps = new FloatTensor(new long[] {b, 1, layerHeight, layerWidth}, mapBuffer.duplicate().flip());
        return switch (perturbation) {
            case NONE -> Map.of(GraphSurgery.FRAMES, frames, GraphSurgery.MAPS, maps);
            case SCALE -> Map.of(GraphSurgery.FRAMES, frames, GraphSurgery.MAPS, maps,
                    GraphSurgery.MASK_SCALE, scales(items, scratch));
            case NOISE -> Map.of(GraphSurgery.FRAMES, frames, GraphSurgery.MAPS, maps,
                    GraphSurgery.MASK_NOISE, noise(items, scratch));
        };
    }

    private static FloatTensor scales(List<Item> items, Scratch scratch) {
        FloatBuffer b = scratch.perItem(items.size()).clear();
        for (Item item : items) {
            b.put(item.scale());
        }
        return new FloatTensor(new long[] {items.size(), 1, 1, 1}, b.duplicate().flip());
    }

    private FloatTensor noise(List<Item> items, Scratch scratch) {
        FloatBuffer b = scratch.perItem(items.size() * height * width).clear();
        for (Item item : items) {
            MaskNoise.fill(item.noiseSeed(), item.sigma(), height * width, b);
        }
        return new FloatTensor(new long[] {items.size(), 1, height, width}, b.duplicate().flip());
    }

    /** This thread's scratch, grown when the batch size grew (the tuner or a flag may change it). */
    private Scratch scratch(int items) {
        Scratch s = scratch.get();
        if (s == null || s.items < items) {
            s = new Scratch(items);
            scratch.set(s);
        }
        return s;
    }

    /** Direct native-order buffers for one frame and up to {@code items} items. */
    private final class Scratch {
        final int items;
        final FloatBuffer frames;
        final FloatBuffer maps;
        /** The frame whose pixels {@link #frames} holds. */
        FrameFeatures held;
        private FloatBuffer perItem;

        Scratch(int items) {
            this.items = items;
            this.frames = floats((long) inputChannels * height * width);
            this.maps = floats((long) items * layerHeight * layerWidth);
        }

        /** The perturbation input (scales or noise), sized on first use. */
        FloatBuffer perItem(int floats) {
            if (perItem == null || perItem.capacity() < floats) {
                perItem = floats(floats);
            }
            return perItem;
        }

        private static FloatBuffer floats(long n) {
            return ByteBuffer.allocateDirect(Math.toIntExact(n * Float.BYTES)).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
    }

    public InferenceSession session() {
        return session;
    }

    @Override
    protected InferenceSession ownSession() {
        return session;
    }

    public static List<String> outputs() {
        return OUTPUTS;
    }

    /** A batch may hold items of several frames (several streams): one ORT run per run of equal frames. */
    @Override
    public List<ScoreRow> run(List<Item> items) {
        List<ScoreRow> results = new ArrayList<>(items.size());
        Scratch s = scratch(items.size());
        int from = 0;
        for (int i = 1; i <= items.size(); i++) {
            if (i == items.size() || items.get(i).frame() != items.get(from).frame()) {
                results.addAll(runOneFrame(items.subList(from, i), s));
                from = i;
            }
        }
        return results;
    }

    private List<ScoreRow> runOneFrame(List<Item> items, Scratch scratch) {
        int b = items.size();
        Map<String, FloatTensor> out = session.run(fill(items, scratch), OUTPUTS);
        FloatTensor scores = out.get(GraphSurgery.SCORES);
        float[] mins = out.get(GraphSurgery.MAP_MIN).toArray();
        float[] maxs = out.get(GraphSurgery.MAP_MAX).toArray();
        float[][] rows = rows(scores, b);
        List<ScoreRow> results = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            results.add(new ScoreRow(rows[i], mins[i], maxs[i]));
        }
        return results;
    }
}
