package io.scorecam.server.engine;

import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.server.engine.api.ModelLeases;
import io.scorecam.server.engine.model.LoadedModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine's served models, one current {@link ServedModel} per name: new calls get the current version,
 * a version a reload or removal retired stays open while calls still hold it, then closes its sessions.
 */
final class ModelVersions {
    /** A retired version closes this long after its last frame: a batch it was in may still be on a worker. */
    private static final long CLOSE_DELAY_MS = 1000;

    private final Map<String, ServedModel> current = new ConcurrentHashMap<>();
    /** Retired versions still held by calls or frames in flight (closed when their last reference goes). */
    private final Set<ServedModel> retired = ConcurrentHashMap.newKeySet();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final String defaultModel;
    private final int fasterChannels;
    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scorecam-model-closer");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    ModelVersions(String defaultModel, int fasterChannels) {
        this.defaultModel = defaultModel;
        this.fasterChannels = fasterChannels;
    }

    String defaultModel() {
        return defaultModel;
    }

    /** Serves {@code loaded} to new calls from now on; returns its generation (1 for a new model). */
    synchronized int install(LoadedModel loaded) {
        if (closed) {
            throw new IllegalStateException("the engine is closed: model " + loaded.name() + " is not served");
        }
        ServedModel old = current.get(loaded.name());
        int generation = old == null ? 1 : old.generation() + 1;
        current.put(loaded.name(), new ServedModel(loaded, generation, loaded.name().equals(defaultModel),
                fasterChannels, this::closeLater));
        if (old == null) {
            order.add(loaded.name());
        } else {
            retire(old);
        }
        return generation;
    }

    /** A lease on a version not installed (warm-up); closing it does not close the model. */
    ModelLease preview(LoadedModel loaded) {
        return new ServedModel(loaded, generation(loaded.name()) + 1, loaded.name().equals(defaultModel),
                fasterChannels, m -> { }).lease();
    }

    /** Closes a loaded version that will not be served, after the same delay as a retired one. */
    void discard(LoadedModel loaded) {
        try {
            closer.schedule(loaded::close, CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            loaded.close();
        }
    }

    synchronized boolean remove(String name) {
        ServedModel old = current.remove(name);
        if (old == null) {
            return false;
        }
        order.remove(name);
        retire(old);
        return true;
    }

    boolean retiredInUse(String name) {
        return retired.stream().anyMatch(m -> m.name().equals(name));
    }

    int generation(String name) {
        ServedModel m = current.get(name);
        return m == null ? 0 : m.generation();
    }

    /** The current version of a model (empty: the default one) with one reference taken for the caller. */
    ServedModel acquire(String name) {
        String key = name == null || name.isEmpty() ? defaultModel : name;
        while (true) {
            ServedModel m = current.get(key);
            if (m == null) {
                throw ModelLeases.notFound(key, List.copyOf(order));
            }
            if (m.retain()) {
                return m;
            }
            Thread.onSpinWait(); // retired between the look-up and the retain: its successor is in the map
        }
    }

    /** The current versions' descriptions, in the order the models were first loaded. */
    List<ModelDescription> describe() {
        List<ModelDescription> out = new ArrayList<>();
        for (String name : order) {
            ServedModel m = current.get(name);
            if (m != null) {
                out.add(m.description());
            }
        }
        return out;
    }

    /** Refuses installs from now on (a reload finishing late closes its model instead). */
    synchronized void refuseInstalls() {
        closed = true;
    }

    /** Closes every version; call once no thread may still run a frame. */
    void close() {
        refuseInstalls();
        closer.shutdownNow();
        current.values().forEach(m -> m.model().close());
        retired.forEach(m -> m.model().close());
    }

    private void retire(ServedModel old) {
        retired.add(old);
        old.release(); // the engine's own reference; the calls still on it hold theirs
    }

    private void closeLater(ServedModel m) {
        try {
            closer.schedule(() -> {
                m.model().close();
                retired.remove(m);
            }, CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the engine is closing: close() closes what is left
        }
    }
}
