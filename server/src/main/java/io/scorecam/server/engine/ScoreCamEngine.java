package io.scorecam.server.engine;

import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.ClassProbability;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.FrameTrace;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.server.engine.cache.FrameCache;
import io.scorecam.server.engine.model.LoadedModel;
import io.scorecam.server.engine.model.ModelLoader;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.Predictions;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pipeline.FrameCost;
import io.scorecam.server.engine.pipeline.FrameMetrics;
import io.scorecam.server.engine.pipeline.FramePipeline;
import io.scorecam.server.engine.pipeline.PreparedFrame;
import io.micrometer.core.instrument.MeterRegistry;
import io.scorecam.api.v1.Method;
import io.scorecam.server.batching.BatchScheduler;
import io.scorecam.server.engine.faithfulness.FaithfulnessMeter;
import io.scorecam.server.engine.method.MapFinisher;
import io.scorecam.server.engine.method.MethodParams;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.engine.method.SaliencyMethod;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Score-CAM engine: per frame, one feature pass and the masked passes its method needs, all queued
 * on one {@link BatchScheduler} shared by every frame of every stream; results cached per frame so more
 * classes, other methods or a repeated frame cost no further passes.
 */
public final class ScoreCamEngine implements Explainer {
    private static final int MIN_PREDICTIONS = 5;

    /** The version of each model new calls get, and the retired ones calls still hold. */
    private final ModelVersions models;
    private final EngineOptions options;
    private final ModelLoader loader;
    private final BatchScheduler scheduler;
    private final FrameCache cache;
    private final ExecutorService cpu;
    private final FramePipeline pipeline;
    private final EngineMetrics metrics;
    private final FrameMetrics frameMetrics;

    private ScoreCamEngine(List<LoadedModel> loaded, EngineOptions options, ModelLoader loader, MeterRegistry registry) {
        this.options = options;
        this.loader = loader;
        String defaultModel = options.defaultModel().isEmpty() ? loaded.get(0).name() : options.defaultModel();
        List<String> names = loaded.stream().map(LoadedModel::name).toList();
        if (!names.contains(defaultModel)) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, "default model '" + defaultModel
                    + "' is not among the loaded models " + names);
        }
        this.models = new ModelVersions(defaultModel, options.fasterChannels());
        loaded.forEach(models::install);
        this.metrics = new EngineMetrics(registry);
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = options.workers() > 0 ? options.workers() : cores; // 0 means one per core
        this.scheduler = new BatchScheduler(workers, options.maxDelayMicros(), metrics);
        this.cache = new FrameCache(options.cacheBytes());
        AtomicInteger threadNo = new AtomicInteger();
        this.cpu = Executors.newFixedThreadPool(cores, r -> {
            Thread t = new Thread(r, "scorecam-cpu-" + threadNo.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.pipeline = new FramePipeline(scheduler, cache, cpu, metrics::stage);
        this.frameMetrics = new FrameMetrics(scheduler);
        metrics.gauge("scorecam.cache.bytes", "bytes held by the frame cache", cache, FrameCache::usedBytes);
        metrics.gauge("scorecam.cache.protected.bytes", "bytes of the frame cache held by frames asked for more "
                + "than once (the rest is the probation share one-off frames pass through)", cache,
                FrameCache::protectedBytes);
        metrics.counter("scorecam.cache.hits", "frame cache hits", cache, FrameCache::hits);
        metrics.counter("scorecam.cache.misses", "frame cache misses", cache, FrameCache::misses);
    }

    /**
     * Loads every model (failing with a message naming the model file and the problem) and starts the
     * batch workers.
     */
    public static ScoreCamEngine load(List<ModelConfig> configs, InferenceBackend backend, EngineOptions options,
                                      MeterRegistry registry) {
        return load(configs, backend, options, registry, step -> { });
    }

    /** @param progress told each loading step (for the start-up health reason in the log) */
    public static ScoreCamEngine load(List<ModelConfig> configs, InferenceBackend backend, EngineOptions options,
                                      MeterRegistry registry, java.util.function.Consumer<String> progress) {
        if (configs.isEmpty()) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, "no models to serve");
        }
        ModelLoader loader = new ModelLoader(backend, options);
        List<LoadedModel> loaded = new ArrayList<>();
        try {
            for (ModelConfig config : configs) {
                progress.accept("loading model " + config.name() + " (" + (loaded.size() + 1) + "/" + configs.size() + ")");
                loaded.add(loader.load(config, progress));
            }
            return new ScoreCamEngine(loaded, options, loader, registry);
        } catch (RuntimeException e) {
            loaded.forEach(LoadedModel::close);
            throw e;
        }
    }

    /**
     * Loads a model directory as start-up does (target layer, sessions, batch-size tuning) on the calling
     * thread, without serving it yet: {@link #install} does. Fails naming the model file and the problem.
     */
    public LoadedModel loadModel(ModelConfig config, java.util.function.Consumer<String> progress) {
        return loader.load(config, progress);
    }

    /**
     * Serves {@code loaded} to new calls from now on, atomically: calls that hold the version before keep it
     * until they end, then its sessions close. Returns the new version's generation (1 for a new model).
     */
    public int install(LoadedModel loaded) {
        return models.install(loaded);
    }

    /**
     * A lease on a loaded version not yet installed, for warming it up (its lazily opened sessions, e.g. the
     * head graph, open now instead of on a client's first frame). Closing the lease does not close the model.
     */
    public ModelLease preview(LoadedModel loaded) {
        return models.preview(loaded);
    }

    /** Closes a loaded version that will not be served (after a moment: a warm-up batch may still be returning). */
    public void discard(LoadedModel loaded) {
        models.discard(loaded);
    }

    /** Stops serving a model: new calls get NOT_FOUND, calls that hold it finish on it. False when not served. */
    public boolean remove(String name) {
        return models.remove(name);
    }

    /** Whether an earlier version of the model is still held by calls (a reload waits for it: old + new at most). */
    public boolean retiredInUse(String name) {
        return models.retiredInUse(name);
    }

    /** The generation new calls to the model get, or 0 when it is not served. */
    public int generation(String name) {
        return models.generation(name);
    }

    @Override
    public ModelLease lease(String name) {
        return models.acquire(name).lease();
    }

    @Override
    public CompletableFuture<FrameResult> explain(FrameRequest request) {
        return explain(request, () -> { });
    }

    /** {@code workTaken} runs when a worker has taken the frame's last queued pass (or it needs none). */
    @Override
    public CompletableFuture<FrameResult> explain(FrameRequest request, Runnable workTaken) {
        return explain(request, workTaken, FrameTrace.NONE);
    }

    /** As {@link #explain(FrameRequest, Runnable)}; the frame's steps and batches are reported to {@code trace}. */
    @Override
    public CompletableFuture<FrameResult> explain(FrameRequest request, Runnable workTaken, FrameTrace trace) {
        ServedModel model;
        try {
            model = models.acquire(request.model());
        } catch (ScoreCamException e) {
            return CompletableFuture.failedFuture(e);
        }
        return explainHeld(model, request, workTaken, trace);
    }

    /** On the lease's version: a frame of a call that began before a reload finishes on the version it began on. */
    @Override
    public CompletableFuture<FrameResult> explain(ModelLease lease, FrameRequest request, Runnable workTaken,
                                                  FrameTrace trace) {
        ServedModel model = ServedModel.of(lease);
        if (model == null) {
            return explain(request, workTaken, trace);
        }
        if (!model.retain()) {
            return CompletableFuture.failedFuture(ServedModel.closing(model.name()));
        }
        return explainHeld(model, request, workTaken, trace);
    }

    /** Explains on a version the caller took a reference to; the reference goes when the frame is done. */
    private CompletableFuture<FrameResult> explainHeld(ServedModel served, FrameRequest request, Runnable workTaken,
                                                       FrameTrace trace) {
        CompletableFuture<FrameResult> result = explainOn(served, request, workTaken, trace);
        result.whenComplete((r, e) -> served.release());
        return result;
    }

    private CompletableFuture<FrameResult> explainOn(ServedModel served, FrameRequest request, Runnable workTaken,
                                                     FrameTrace trace) {
        try {
            LoadedModel model = served.model();
            SaliencyMethod method = method(served, request.method());
            validateClasses(model, request.targetClasses());
            if (request.wantMetrics()) {
                FaithfulnessMeter.steps(request.metricSteps()); // fail before any pass, not after the maps
            }
            Convention convention = request.convention() == null ? Convention.SEED : request.convention();
            MethodParams params = MethodParams.resolve(convention,
                    request.maxChannels() > 0 ? request.maxChannels() : options.fasterChannels(),
                    request.ssSamples(), request.ssSigma(), request.isSteps()); // bad settings fail before any pass
            FrameCost cost = new FrameCost(workTaken, trace);
            return pipeline.features(model, request, cost)
                    .thenComposeAsync(frame -> explainFrame(model, method, params, request, frame, cost), cpu);
        } catch (ScoreCamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<FrameResult> explainFrame(LoadedModel model, SaliencyMethod saliency, MethodParams params,
                                                        FrameRequest request, PreparedFrame frame, FrameCost cost) {
        Convention convention = params.convention();
        LayerShape layer = model.layer();
        SaliencyMethod.Need<?> need = saliency.need(frame.features(), layer, params);
        int[] channels = need.rows();
        CompletableFuture<ScoreRow[]> scored = pipeline.rows(model, frame, need, request.cancellation(), cost);
        List<float[]> layerMaps = new ArrayList<>(); // filled by the maps stage, read by the metrics stage after it
        CompletableFuture<FrameResult> explained = scored.thenApplyAsync(rows -> {
                    metrics.stage("passes", cost.sincePassesStart());
                    long combineStart = System.nanoTime();
                    FrameFeatures f = frame.features();
                    List<ClassProbability> top = Predictions.top(f.probs(),
                            Math.max(MIN_PREDICTIONS, Math.max(1, request.topK())));
                    List<Integer> classes = request.targetClasses().isEmpty()
                            ? top.subList(0, Math.min(Math.max(1, request.topK()), top.size())).stream()
                                .map(ClassProbability::classId).toList()
                            : request.targetClasses();
                    List<ClassMap> maps = new ArrayList<>(classes.size());
                    float[] shared = saliency.classAgnostic()
                            ? saliency.layerMap(f, layer, rows, channels, classes.get(0), convention) : null;
                    for (int c : classes) {
                        float[] layerMap = shared != null ? shared
                                : saliency.layerMap(f, layer, rows, channels, c, convention);
                        maps.add(finish(model, request, frame, c, layerMap, convention, saliency.classAgnostic()));
                        layerMaps.add(layerMap);
                    }
                    long combineEnd = System.nanoTime();
                    metrics.stage("combine", combineEnd - combineStart);
                    cost.trace().stage("combine", combineStart, combineEnd);
                    double total = cost.elapsedMs();
                    return new FrameResult(top, maps, cost.passes(), cost.queueMs(),
                            Math.max(0, total - cost.queueMs()));
                }, cpu);
        return !request.wantMetrics() ? explained : explained.thenComposeAsync(result -> {
            long start = System.nanoTime();
            return frameMetrics.attach(model, request, frame.features(), result, layerMaps, convention, cost)
                    .whenComplete((r, e) -> cost.trace().stage("faithfulness", start, System.nanoTime()));
        }, cpu);
    }

    /** Test seam: the faithfulness of a given map (model input resolution) for a class on a frame. */
    CompletableFuture<Faithfulness> measureFaithfulness(FrameRequest request, int classId, float[] map) {
        ServedModel served = models.acquire(request.model()); // "" is the default model, as for explain
        LoadedModel model = served.model();
        FrameCost cost = new FrameCost();
        CompletableFuture<Faithfulness> result = pipeline.features(model, request, cost).thenComposeAsync(frame ->
                frameMetrics.measure(model, frame.features(), List.of(new FaithfulnessMeter.Target(classId, map)),
                        request.metricSteps(), request.cancellation(), cost), cpu).thenApply(measured -> measured.get(0));
        result.whenComplete((r, e) -> served.release());
        return result;
    }

    private ClassMap finish(LoadedModel model, FrameRequest request, PreparedFrame frame, int classId,
                            float[] layerMap, Convention convention, boolean classAgnostic) {
        MapSize size = request.mapSize() == null ? MapSize.MODEL_INPUT : request.mapSize();
        int w = model.config().input().width();
        int h = model.config().input().height();
        MapFinisher.Finished done = MapFinisher.finish(layerMap, model.layerWidth(), model.layerHeight(), w, h,
                convention, size == MapSize.LAYER);
        float probability = frame.features().probs()[classId];
        if (size == MapSize.ORIGINAL) {
            int ow = request.image().width();
            int oh = request.image().height();
            float[] original = model.preprocessor().mapToOriginal(done.values(), w, h, ow, oh);
            return new ClassMap(classId, probability, ow, oh, original, done.rawMax(), classAgnostic, null);
        }
        return new ClassMap(classId, probability, done.width(), done.height(), done.values(), done.rawMax(),
                classAgnostic, null);
    }

    private SaliencyMethod method(ServedModel model, Method requested) {
        Method m = requested == null ? Method.SCORE_CAM : requested;
        Methods.Entry entry = Methods.find(m);
        if (entry == null) {
            throw new ScoreCamException(ErrorCode.INVALID_ARGUMENT, "method " + m
                    + " is not available on this server; available: [" + Methods.names() + "]");
        }
        ScoreCamException why = model.unavailable(m);
        if (why != null) {
            throw why; // named at load, e.g. a head that cannot be split off at the target layer
        }
        return entry.method();
    }

    private static void validateClasses(LoadedModel model, List<Integer> classes) {
        for (int c : classes) {
            if (c < 0 || c >= model.classes()) {
                throw ScoreCamException.invalid("class id " + Integer.toUnsignedString(c) + " is out of range: model '"
                        + model.name() + "' has " + model.classes() + " classes (0.." + (model.classes() - 1) + ")");
            }
        }
    }

    /** The models new calls get, in the order they were first loaded. */
    @Override
    public List<ModelDescription> models() {
        return models.describe();
    }

    /** Scoring batch size in use for a model (tuned at load time unless configured). */
    public int batchSize(String model) {
        ServedModel m = models.acquire(model);
        try {
            return m.model().batchSize();
        } finally {
            m.release();
        }
    }

    @Override
    public int queuedItems() {
        return scheduler.queuedItems();
    }

    @Override
    public void close() {
        models.refuseInstalls(); // a reload finishing now closes its model instead of installing it
        scheduler.close();
        cpu.shutdown();
        try {
            // a task still on the pool may be opening a session: close the models only once it is done
            if (!cpu.awaitTermination(30, TimeUnit.SECONDS)) {
                cpu.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.close();
    }
}
