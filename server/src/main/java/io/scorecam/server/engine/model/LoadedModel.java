package io.scorecam.server.engine.model;

import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ModelDefaults;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.pass.FeaturePass;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ModelContext;
import io.scorecam.server.engine.pass.ProbePass;
import io.scorecam.server.engine.pass.RowPass;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pass.SessionPass;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model ready to explain: its configuration, preprocessing, the feature session and, opened on first
 * use, one session per kind of row pass its methods ask for ({@link #pass}). A session is built outside
 * any lock: requests that need it meanwhile wait on its future, not on a monitor.
 */
public final class LoadedModel implements AutoCloseable {
    private final ModelContext context;
    private final Preprocessor preprocessor;
    private final InferenceSession featureSession;
    private final FeaturePass featurePass;
    /** Faithfulness probe images, on the feature session (model output only). */
    private final ProbePass probePass;
    /** Sessions by {@link RowPass#sessionKey()}; a key's item type is fixed by the pass that made it. */
    private final Map<String, CompletableFuture<SessionPass<?, ScoreRow>>> passes = new ConcurrentHashMap<>();
    private boolean closed;
    private static final java.util.concurrent.atomic.AtomicLong LOADS = new java.util.concurrent.atomic.AtomicLong();
    /** Unique per load: cache entries of a reloaded model's old version never answer for the new one. */
    private final String cacheId;

    /**
     * @param opened row passes opened while loading (e.g. for batch-size tuning), by session key
     */
    LoadedModel(ModelContext context, Preprocessor preprocessor, InferenceSession featureSession,
                Map<String, SessionPass<?, ScoreRow>> opened) {
        this.context = context;
        this.cacheId = context.name() + "#" + LOADS.incrementAndGet();
        this.preprocessor = preprocessor;
        this.featureSession = featureSession;
        ModelConfig config = context.config();
        int h = config.input().height();
        int w = config.input().width();
        this.featurePass = new FeaturePass(config.name(), featureSession, config.input().name(),
                config.output().name(), context.layerName(), 3, h, w, context.batchSize());
        this.probePass = new ProbePass(config.name(), featureSession, config.input().name(), config.output().name(),
                3, h, w, !context.outputsProbabilities(), context.batchSize());
        opened.forEach((key, pass) -> passes.put(key, CompletableFuture.completedFuture(pass)));
    }

    /**
     * The session pass that runs a row pass's items, opening it the first time (graph surgery and an ORT
     * session: a second or two for big models). The caller that finds it missing builds it on its own
     * thread (a CPU-pool thread, never the event loop); the others compose on the same future. A failure
     * that names a problem of the model (FAILED_PRECONDITION) is kept, others are retried on the next call.
     */
    @SuppressWarnings("unchecked")
    public <I> CompletableFuture<SessionPass<I, ScoreRow>> pass(RowPass<I> rows) {
        String key = rows.sessionKey();
        CompletableFuture<SessionPass<?, ScoreRow>> mine = new CompletableFuture<>();
        CompletableFuture<SessionPass<?, ScoreRow>> existing = passes.putIfAbsent(key, mine);
        if (existing == null) {
            build(rows, key, mine);
            existing = mine;
        }
        return (CompletableFuture<SessionPass<I, ScoreRow>>) (CompletableFuture<?>) existing;
    }

    private void build(RowPass<?> rows, String key, CompletableFuture<SessionPass<?, ScoreRow>> future) {
        SessionPass<?, ScoreRow> pass;
        try {
            pass = rows.open(context);
        } catch (RuntimeException e) {
            if (!(e instanceof ScoreCamException s && s.code() == ErrorCode.FAILED_PRECONDITION)) {
                passes.remove(key, future);
            }
            future.completeExceptionally(e);
            return;
        }
        boolean refused;
        synchronized (this) {
            refused = closed; // closed while building: nobody else would close this session
        }
        if (refused) {
            pass.close();
            future.completeExceptionally(new ScoreCamException(ErrorCode.UNAVAILABLE, "the engine is shutting down"));
        } else {
            future.complete(pass);
        }
    }

    public ModelContext context() {
        return context;
    }

    public ModelConfig config() {
        return context.config();
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    public LayerShape layer() {
        return context.layer();
    }

    /** K of the target layer. */
    public int channels() {
        return context.layer().channels();
    }

    public int layerHeight() {
        return context.layer().height();
    }

    public int layerWidth() {
        return context.layer().width();
    }

    /** C, the model's output size. */
    public int classes() {
        return context.classes();
    }

    public FeaturePass featurePass() {
        return featurePass;
    }

    public ProbePass probePass() {
        return probePass;
    }

    public int batchSize() {
        return context.batchSize();
    }

    public String name() {
        return context.name();
    }

    /** The model's key in the frame cache: its name plus this load's number. */
    public String cacheId() {
        return cacheId;
    }

    public boolean outputsProbabilities() {
        return context.outputsProbabilities();
    }

    /**
     * @param methods        the methods this model can be explained with
     * @param fasterChannels the server's FASTER_SCORE_CAM default (model.json may set its own)
     */
    public ModelDescription describe(boolean isDefault, List<Method> methods, int fasterChannels) {
        ModelConfig config = context.config();
        return new ModelDescription(name(), config.input().width(), config.input().height(), classes(), channels(),
                context.layerName(), layerWidth(), layerHeight(), isDefault, List.copyOf(config.labels()),
                config.output().kind().name(), List.copyOf(methods), ModelDefaults.of(config.defaults(), fasterChannels));
    }

    /** Closes every session; call after the threads that may still open one have stopped. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        List<SessionPass<?, ScoreRow>> open = new ArrayList<>();
        for (CompletableFuture<SessionPass<?, ScoreRow>> f : passes.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                open.add(f.join());
            }
        }
        open.forEach(SessionPass::close);
        featureSession.close();
    }
}
