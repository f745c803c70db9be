package io.scorecam.server.reload;

import io.scorecam.server.config.LogLevel;
import io.scorecam.server.engine.ScoreCamEngine;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.server.engine.model.LoadedModel;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.lifecycle.ModelStates;
import io.scorecam.server.lifecycle.ModelStates.ModelState;
import io.scorecam.server.lifecycle.ModelStates.State;
import io.scorecam.server.logging.EventLog;
import io.scorecam.server.metrics.ModelMetrics;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.model.ModelFiles;
import io.scorecam.server.model.ModelRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hot reload of the model repository (--model-poll-seconds), like Triton's poll mode: one daemon thread scans
 * the repository, never the event loop. A directory whose files (name, size, modification time) differ from
 * the served version's and stayed the same across two scans is loaded as at start-up, then swapped in
 * atomically ({@link ScoreCamEngine#install}); a copy in progress changes from scan to scan, so it is never
 * loaded half-written. A directory gone for two scans is dropped. A version that fails to load leaves the
 * served one in place; the failure is one JSON event line, a metric and the model's ListModels reason, and the
 * same files are not retried until they change. A new version of a model waits while calls still run on the
 * one before the current (so at most two versions per model are alive).
 */
public final class ModelPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPoller.class);

    /** A model served from the repository: its directory's signature and content hash when it was loaded. */
    public record Known(String name, Path dir, ModelFiles.Signature signature, String version) {
        /** Taken before the start-up load, so a change made while it loads is still seen. */
        public static Known of(ModelConfig config) {
            Path dir = config.directory();
            return new Known(config.name(), dir, ModelFiles.signature(dir), ModelFiles.contentHash(dir));
        }
    }

    /** Runs warm-up frames on a version before it is served (the start-up warm-up's path); completes when done. */
    @FunctionalInterface
    public interface WarmUp {
        WarmUp NONE = version -> CompletableFuture.completedFuture(null);

        CompletableFuture<Void> run(ModelLease version);
    }

    /** Longest wait for a warm-up beyond its own budget. */
    private static final long WARM_UP_SLACK_MS = 30_000;

    private final Path root;
    private final ScoreCamEngine engine;
    private final WarmUp warmUp;
    private final long warmUpBudgetMs;
    private final ModelStates states;
    private final ModelMetrics metrics;
    private final EventLog events;
    private final ScheduledExecutorService thread;
    /** The models this poller manages (the repository's), as last loaded. Poller thread only, like the maps below. */
    private final Map<String, Known> served = new LinkedHashMap<>();
    /** Signature seen at the last scan for a directory not yet loaded as it is now. */
    private final Map<String, ModelFiles.Signature> seen = new HashMap<>();
    /** Signature whose load failed: not retried until the files change. */
    private final Map<String, ModelFiles.Signature> failed = new HashMap<>();
    /** Served models whose directory was missing at the last scan. */
    private final Map<String, Boolean> missing = new HashMap<>();
    private volatile boolean closed;

    /**
     * @param known  the models loaded at start-up from {@code root} (others, e.g. a fixed list, are left alone)
     * @param events where load failures are written (null: nowhere)
     * @param warmUp run on each new version before it is served, for at most {@code warmUpBudgetMs} (0: none)
     */
    public ModelPoller(Path root, List<Known> known, ScoreCamEngine engine, ModelStates states, ModelMetrics metrics,
                       EventLog events, WarmUp warmUp, long warmUpBudgetMs) {
        this.warmUp = warmUp;
        this.warmUpBudgetMs = warmUpBudgetMs;
        this.root = root.toAbsolutePath().normalize();
        this.engine = engine;
        this.states = states;
        this.metrics = metrics;
        this.events = events;
        for (Known k : known) {
            if (k.dir().toAbsolutePath().normalize().getParent().equals(this.root)) {
                served.put(k.name(), k);
            }
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scorecam-model-poller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Scans every {@code period}, the first time one period from now. */
    public ModelPoller start(Duration period) {
        thread.scheduleWithFixedDelay(this::scanSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("polling model repository {} every {} s", root, period.toSeconds());
        return this;
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException | Error e) {
            LOG.error("model repository scan failed: {}", e.toString(), e);
        }
    }

    /** One scan (the poller thread; tests call it directly). */
    void scan() {
        if (closed) {
            return;
        }
        Map<String, Path> present;
        try {
            present = ModelRepository.directories(root);
        } catch (ScoreCamException e) {
            LOG.warn("{}; models unchanged", e.getMessage());
            return;
        }
        for (String name : List.copyOf(served.keySet())) {
            if (present.containsKey(name)) {
                missing.remove(name);
            } else if (missing.put(name, Boolean.TRUE) != null) { // gone for two scans, not a rename in progress
                remove(name);
            }
        }
        for (String name : List.copyOf(seen.keySet())) {
            if (!present.containsKey(name)) {
                forget(name);
            }
        }
        for (String name : List.copyOf(failed.keySet())) {
            if (!present.containsKey(name)) {
                forget(name);
            }
        }
        for (Map.Entry<String, Path> e : present.entrySet()) {
            if (closed) {
                return;
            }
            check(e.getKey(), e.getValue());
        }
    }

    private void check(String name, Path dir) {
        ModelFiles.Signature now = ModelFiles.signature(dir);
        Known current = served.get(name);
        if (current != null && now.equals(current.signature())) {
            seen.remove(name);
            return;
        }
        if (now.equals(failed.get(name))) {
            return;
        }
        if (!now.equals(seen.put(name, now))) { // new or changed since the last scan: wait until it settles
            if (current == null) {
                states.set(new ModelState(name, State.LOADING, "waiting for its files to stop changing", "", 0));
            }
            return;
        }
        if (current != null && engine.retiredInUse(name)) {
            note(name, "a new version waits for the calls still on the version before " + current.version());
            return;
        }
        load(name, dir, now, current);
    }

    private void load(String name, Path dir, ModelFiles.Signature signature, Known current) {
        String file = dir.resolve(ModelConfig.CONFIG_FILE).toString();
        long start = System.nanoTime();
        String version;
        LoadedModel loaded;
        try {
            version = ModelFiles.contentHash(dir);
            if (current != null && version.equals(current.version())) { // touched, not changed
                served.put(name, new Known(name, dir, signature, version));
                seen.remove(name);
                return;
            }
            if (current == null) {
                states.set(new ModelState(name, State.LOADING, "loading version " + version, "", 0));
            }
            ModelConfig config = ModelConfig.load(dir);
            file = config.modelFile().toString();
            loaded = engine.loadModel(config, step -> { });
        } catch (RuntimeException e) {
            failed(name, signature, file, e, current);
            return;
        }
        if (warmUpBudgetMs > 0) {
            // the new version's sessions (e.g. the head graph) open now, not on a client's first frame after the swap
            try (ModelLease preview = engine.preview(loaded)) {
                warmUp.run(preview).get(warmUpBudgetMs + WARM_UP_SLACK_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                engine.discard(loaded);
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("model {}: warm-up of version {} did not finish: {}", name, version, e.toString());
            }
        }
        if (!ModelFiles.signature(dir).equals(signature)) { // written to while it loaded: start over
            engine.discard(loaded);
            seen.remove(name);
            LOG.info("model {}: files changed while loading; loading again once they settle", name);
            return;
        }
        int generation;
        try {
            generation = engine.install(loaded);
        } catch (IllegalStateException engineClosed) {
            engine.discard(loaded);
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        served.put(name, new Known(name, dir, signature, version));
        seen.remove(name);
        failed.remove(name);
        metrics.loaded(name, took);
        states.set(new ModelState(name, State.READY, "", version, generation));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("model", name);
        f.put("version", version);
        f.put("generation", generation);
        f.put("previous_version", current == null ? "" : current.version());
        f.put("duration_ms", took.toMillis());
        write(LogLevel.INFO, "model_loaded", f);
    }

    private void failed(String name, ModelFiles.Signature signature, String file, RuntimeException e, Known current) {
        failed.put(name, signature);
        seen.remove(name);
        metrics.loadFailed(name);
        String reason = String.valueOf(e.getMessage());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("model", name);
        f.put("file", file);
        f.put("reason", reason);
        f.put("serving_version", current == null ? "" : current.version());
        write(LogLevel.ERROR, "model_load_failed", f);
        LOG.error("model {} failed to load ({}): {}", name, file, reason);
        if (current == null) {
            states.set(new ModelState(name, State.UNAVAILABLE, reason, "", 0));
        } else {
            note(name, "a new version failed to load, still serving " + current.version() + ": " + reason);
        }
    }

    /** A reason on a model that keeps serving its version. */
    private void note(String name, String reason) {
        ModelState s = states.get(name);
        if (s != null && !reason.equals(s.reason())) {
            states.set(new ModelState(name, s.state(), reason, s.version(), s.generation()));
        }
    }

    private void remove(String name) {
        Known gone = served.remove(name);
        missing.remove(name);
        engine.remove(name); // first: ListModels, rebuilt when the state goes, must not list it any more
        forget(name);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("model", name);
        f.put("version", gone == null ? "" : gone.version());
        write(LogLevel.INFO, "model_removed", f);
    }

    /** Drops what is known of a directory not (or no longer) served. */
    private void forget(String name) {
        seen.remove(name);
        failed.remove(name);
        if (!served.containsKey(name)) {
            states.remove(name);
        }
    }

    private void write(LogLevel level, String event, Map<String, Object> fields) {
        if (events != null) {
            events.write(level, event, fields);
        }
    }

    /** Stops scanning; a load under way finishes (or is closed unserved when the engine closed first). */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
    }

    /** Waits for a load under way to end, at most {@code timeout}. */
    public boolean awaitStopped(Duration timeout) {
        try {
            return thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
