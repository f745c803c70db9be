package io.scorecam.server.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Per-model readiness, next to the server's own {@link Readiness}: which models the repository holds and
 * whether each is LOADING, READY or UNAVAILABLE (with the reason, and the version being served). ListModels,
 * the per-model health names and the {@code scorecam_model_ready} gauge read this one object.
 */
public final class ModelStates {
    public enum State { LOADING, READY, UNAVAILABLE }

    /**
     * @param version    content hash of the files being served ("" while none is)
     * @param generation load sequence number of the served version (0 while none is)
     * @param reason     why LOADING / UNAVAILABLE, or the last failed reload of a READY model ("" when none)
     */
    public record ModelState(String name, State state, String reason, String version, int generation) {
        public boolean ready() {
            return state == State.READY;
        }
    }

    private final Map<String, ModelState> states = new ConcurrentSkipListMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public void set(ModelState state) {
        states.put(state.name(), state);
        listeners.forEach(l -> l.accept(state.name()));
    }

    /** The model left the repository. */
    public void remove(String name) {
        if (states.remove(name) != null) {
            listeners.forEach(l -> l.accept(name));
        }
    }

    /** The model's state, or null when the repository does not hold it. */
    public ModelState get(String name) {
        return states.get(name);
    }

    /** Every model, sorted by name. */
    public List<ModelState> all() {
        return List.copyOf(states.values());
    }

    public boolean isEmpty() {
        return states.isEmpty();
    }

    /** Told the name of every model whose state changed, on the thread that changed it. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }
}
