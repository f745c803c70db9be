package io.scorecam.server.engine.model;

import io.scorecam.server.engine.api.CamMethod;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.engine.api.ModelDefaults;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.pass.FeaturePass;
import io.scorecam.server.engine.pass.HeadPass;
import io.scorecam.server.engine.pass.ProbePass;
import io.scorecam.server.engine.pass.ScoringPass;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.GraphSurgery;
import io.scorecam.server.onnx.HeadGraph;
import io.scorecam.server.onnx.HeadGraphSpec;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.ScoringGraphSpec;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A model ready to explain: its configuration, preprocessing, the feature session and, built on first
 * use, one fused scoring session per convention (their masks differ).
 */
public final class LoadedModel implements AutoCloseable {
    private final ModelConfig config;
    private final Preprocessor preprocessor;
    private final String layerName;
    /** K, h, w of the target layer and C of the output. */
    private final int channels;
    private final int layerHeight;
    private final int layerWidth;
    private final int classes;
    private int batchSize;
    private final FeaturePass featurePass;
    /** Faithfulness probe images, on the feature session (model output only). */
    private final ProbePass probePass;
    /**
     * Bound on the masked feature maps one head batch materialises inside ORT (per worker). The cost per
     * head pass measured about flat from 16 to 576 items per batch, so a small bound costs nothing.
     */
    public static final long HEAD_BATCH_BYTES = 16L << 20;

    private final OnnxModel onnx;
    private final InferenceBackend backend;
    private final InferenceSession featureSession;
    private final Map<Convention, ScoringPass> scoringPasses = new EnumMap<>(Convention.class);
    private final Map<Convention, InferenceSession> scoringSessions = new EnumMap<>(Convention.class);
    /** Recipro-CAM's head session, built on first use; a model that cannot be split keeps its error. */
    private final HeadGraphSpec headSpec;
    /** Whether the head can be split off at the target layer (checked at load, so ListModels can say). */
    private final boolean splittable;
    private HeadPass headPass;
    private InferenceSession headSession;
    private RuntimeException headFailure;

    public LoadedModel(ModelConfig config, Preprocessor preprocessor, OnnxModel onnx, InferenceBackend backend,
                InferenceSession featureSession, String layerName, int channels, int layerHeight, int layerWidth,
                int classes, int batchSize) {
        this.config = config;
        this.preprocessor = preprocessor;
        this.onnx = onnx;
        this.backend = backend;
        this.featureSession = featureSession;
        this.layerName = layerName;
        this.channels = channels;
        this.layerHeight = layerHeight;
        this.layerWidth = layerWidth;
        this.classes = classes;
        this.batchSize = batchSize;
        this.featurePass = new FeaturePass(config.name(), featureSession, config.input().name(),
                config.output().name(), layerName, 3, config.input().height(), config.input().width(), batchSize);
        this.probePass = new ProbePass(config.name(), featureSession, config.input().name(), config.output().name(),
                3, config.input().height(), config.input().width(), !outputsProbabilities(), batchSize);
        this.headSpec = new HeadGraphSpec(layerName, config.output().name(), channels, layerHeight, layerWidth,
                !outputsProbabilities());
        boolean canSplit = true;
        try {
            HeadGraph.check(onnx, headSpec); // a walk over the graph; the session is built on first use
        } catch (ScoreCamException e) {
            headFailure = e; // every RECIPRO_CAM frame of this model gets this error
            canSplit = false;
        }
        this.splittable = canSplit;
    }

    public ModelConfig config() {
        return config;
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    public String layerName() {
        return layerName;
    }

    /** K of the target layer. */
    public int channels() {
        return channels;
    }

    public int layerHeight() {
        return layerHeight;
    }

    public int layerWidth() {
        return layerWidth;
    }

    /** C, the model's output size. */
    public int classes() {
        return classes;
    }

    public FeaturePass featurePass() {
        return featurePass;
    }

    public ProbePass probePass() {
        return probePass;
    }

    /** Set once at load time (after tuning), before the model is published to request threads. */
    public void setBatchSize(int size) {
        this.batchSize = size;
        featurePass.setMaxBatch(size);
        probePass.setMaxBatch(size);
        scoringPasses.values().forEach(p -> p.setMaxBatch(size));
    }

    public int batchSize() {
        return batchSize;
    }

    public String name() {
        return config.name();
    }

    public boolean outputsProbabilities() {
        return config.output().kind() == ModelConfig.OutputKind.PROBABILITIES;
    }

    /**
     * The scoring pass of a convention, building its graph and session the first time (a second or two
     * for big models; called on a worker thread, never the event loop).
     */
    public synchronized ScoringPass scoringPass(Convention convention) {
        ScoringPass pass = scoringPasses.get(convention);
        if (pass == null) {
            // probabilities in, probabilities out: a model that ends in softmax gets no second one
            boolean softmax = convention.softmaxScores() && !outputsProbabilities();
            ScoringGraphSpec spec = new ScoringGraphSpec(config.input().name(), config.output().name(),
                    config.input().height(), config.input().width(), convention.alignCorners(),
                    convention.normEps(), softmax);
            byte[] graph = GraphSurgery.scoringGraph(onnx, spec);
            InferenceSession session = backend.open(graph, name() + "/scoring-" + convention);
            scoringSessions.put(convention, session);
            pass = new ScoringPass(name() + "/scoring-" + convention, session, 3, config.input().height(),
                    config.input().width(), layerHeight, layerWidth, batchSize);
            scoringPasses.put(convention, pass);
        }
        return pass;
    }

    /**
     * Recipro-CAM's head pass (the model from the target layer on), building its graph and session the
     * first time; throws FAILED_PRECONDITION, every time, when the head bypasses the target layer.
     */
    public synchronized HeadPass headPass() {
        if (headFailure != null) {
            throw headFailure;
        }
        if (headPass == null) {
            try {
                headSession = backend.open(HeadGraph.build(onnx, headSpec), name() + "/head");
            } catch (RuntimeException e) {
                headFailure = e;
                throw e;
            }
            headPass = new HeadPass(name() + "/head", headSession, channels, layerHeight, layerWidth,
                    headBatchSize());
        }
        return headPass;
    }

    /**
     * One frame's h*w cells per batch (one batch serves every class of the frame), fewer when the masked
     * maps [B, K, h, w] the graph materialises would pass {@link #HEAD_BATCH_BYTES}.
     */
    private int headBatchSize() {
        long perItem = 4L * channels * layerHeight * layerWidth;
        long cap = Math.max(1, HEAD_BATCH_BYTES / perItem);
        return (int) Math.min(cap, (long) layerHeight * layerWidth);
    }

    public ModelDescription describe(boolean isDefault, int fasterChannels) {
        return new ModelDescription(name(), config.input().width(), config.input().height(), classes, channels,
                layerName, layerWidth, layerHeight, isDefault, List.copyOf(config.labels()),
                config.output().kind().name(), Arrays.stream(CamMethod.values())
                        .filter(m -> m != CamMethod.RECIPRO_CAM || splittable).toList(),
                ModelDefaults.of(config.defaults(), fasterChannels));
    }

    @Override
    public synchronized void close() {
        scoringSessions.values().forEach(InferenceSession::close);
        if (headSession != null) {
            headSession.close();
        }
        featureSession.close();
    }
}
