package io.scorecam.server.engine;

import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.engine.model.LoadedModel;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One version of a model as the engine serves it, reference counted: the engine holds one reference while the
 * version is current, every lease and every frame in flight one more. When a reload or removal retires it and
 * the last reference goes, {@code onLast} closes its sessions; until then calls that took it keep running on it.
 */
final class ServedModel {
    private final LoadedModel model;
    private final int generation;
    /** The registered methods this model cannot run and why (checked once, at load). */
    private final Map<Method, ScoreCamException> unavailable = new EnumMap<>(Method.class);
    private final ModelDescription description;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final Consumer<ServedModel> onLast;

    ServedModel(LoadedModel model, int generation, boolean isDefault, int fasterChannels, Consumer<ServedModel> onLast) {
        this.model = model;
        this.generation = generation;
        this.onLast = onLast;
        for (Methods.Entry e : Methods.all()) {
            ScoreCamException why = e.method().unavailable(model.context());
            if (why != null) {
                unavailable.put(e.id(), why);
            }
        }
        this.description = model.describe(isDefault,
                Methods.ids().stream().filter(id -> !unavailable.containsKey(id)).toList(), fasterChannels);
    }

    LoadedModel model() {
        return model;
    }

    String name() {
        return model.name();
    }

    int generation() {
        return generation;
    }

    ModelDescription description() {
        return description;
    }

    /** Why the model cannot run {@code method}, or null when it can. */
    ScoreCamException unavailable(Method method) {
        return unavailable.get(method);
    }

    /** One more reference; false once the version is closing (the caller looks the model up again). */
    boolean retain() {
        for (int n = refs.get(); n > 0; n = refs.get()) {
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            onLast.accept(this);
        }
    }

    /** References held (the engine's own while current, leases, frames in flight). */
    int references() {
        return refs.get();
    }

    /** A lease holding one reference until closed. */
    ModelLease lease() {
        return new Lease(this);
    }

    /** The served model behind one of this engine's leases, or null for a foreign lease. */
    static ServedModel of(ModelLease lease) {
        return lease instanceof Lease l ? l.served : null;
    }

    private static final class Lease implements ModelLease {
        private final ServedModel served;
        private final AtomicBoolean closed = new AtomicBoolean();

        Lease(ServedModel served) {
            this.served = served;
        }

        @Override
        public ModelDescription description() {
            return served.description;
        }

        @Override
        public int generation() {
            return served.generation;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                served.release();
            }
        }
    }

    static ScoreCamException closing(String name) {
        return new ScoreCamException(ErrorCode.UNAVAILABLE, "model '" + name + "': this version was closed");
    }
}
