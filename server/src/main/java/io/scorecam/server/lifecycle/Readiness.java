package io.scorecam.server.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Whether the server takes calls, and why not: STARTING while models load, tune and warm up, SERVING, then
 * DRAINING on shutdown (or FAILED when a model could not load). gRPC health, the call gate and any HTTP
 * readiness endpoint read this one object, so they can never disagree. Every change is logged with its reason.
 */
public final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    public enum Phase { STARTING, SERVING, DRAINING, FAILED }

    /** A phase and the reason the server is in it (shown in logs and in refused calls' messages). */
    public record State(Phase phase, String reason) {
        public boolean serving() {
            return phase == Phase.SERVING;
        }
    }

    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private volatile State state = new State(Phase.STARTING, "starting");

    public State state() {
        return state;
    }

    public boolean isServing() {
        return state.serving();
    }

    /** Still starting; the reason says which step (e.g. "loading model resnet18 (1/2)"). */
    public void starting(String reason) {
        move(Phase.STARTING, reason);
    }

    public void serving(String reason) {
        move(Phase.SERVING, reason);
    }

    public void draining(String reason) {
        move(Phase.DRAINING, reason);
    }

    public void failed(String reason) {
        move(Phase.FAILED, reason);
    }

    /** Called on every change, on the thread that made it. */
    public void onChange(Consumer<State> listener) {
        listeners.add(listener);
    }

    private void move(Phase phase, String reason) {
        State next;
        synchronized (this) {
            // shutting down and failing are final: a late "loaded" must not turn a draining server SERVING
            Phase now = state.phase();
            if ((now == Phase.DRAINING || now == Phase.FAILED) && phase != Phase.FAILED) {
                return;
            }
            next = new State(phase, reason);
            state = next;
        }
        if (phase == Phase.SERVING) {
            LOG.info("health SERVING: {}", reason);
        } else if (phase == Phase.FAILED) {
            LOG.error("health NOT_SERVING (failed): {}", reason);
        } else {
            LOG.info("health NOT_SERVING ({}): {}", phase.name().toLowerCase(java.util.Locale.ROOT), reason);
        }
        listeners.forEach(l -> l.accept(next));
    }
}
