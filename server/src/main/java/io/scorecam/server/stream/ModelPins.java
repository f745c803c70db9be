package io.scorecam.server.stream;

import io.scorecam.server.engine.api.Explainer;
import io.scorecam.server.engine.api.ModelLease;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.util.HashMap;
import java.util.Map;

/**
 * The model versions one call runs on: the first frame that names a model takes a lease on the version served
 * then, and every later frame of the call naming it runs on that same version, even after the repository
 * replaced or removed it (hot reload). {@link #close} at the call's end lets the old version go. At most one
 * lease per model the server serves, so a call cannot hold more than the repository has.
 */
final class ModelPins implements AutoCloseable {
    private final Explainer explainer;
    private final ModelLease fixed;
    private final Map<String, ModelLease> leases = new HashMap<>();
    private boolean closed;

    ModelPins(Explainer explainer) {
        this(explainer, null);
    }

    private ModelPins(Explainer explainer, ModelLease fixed) {
        this.explainer = explainer;
        this.fixed = fixed;
    }

    /** Every frame on this one version (warming up a version not served yet); closing leaves the lease open. */
    static ModelPins fixed(ModelLease lease) {
        return new ModelPins(null, lease);
    }

    /**
     * The version this call runs {@code requested} on (empty: the default model).
     *
     * @throws ScoreCamException NOT_FOUND naming the model when it is not served (and was not pinned before)
     */
    synchronized ModelLease pin(String requested) {
        if (closed) {
            throw new ScoreCamException(ErrorCode.CANCELLED, "the call has ended");
        }
        if (fixed != null) {
            return fixed;
        }
        String key = requested == null ? "" : requested;
        ModelLease lease = leases.get(key);
        if (lease == null) {
            lease = explainer.lease(key);
            leases.put(key, lease);
        }
        return lease;
    }

    @Override
    public synchronized void close() {
        closed = true;
        leases.values().forEach(ModelLease::close);
        leases.clear();
    }
}
