package io.scorecam.server.engine.api;

/**
 * One version of a model, held for a call: every frame explained with the lease runs on that version even
 * when the repository has replaced or removed the model meanwhile (the old version's sessions close once the
 * last lease and frame on it are done). {@link #close} is idempotent.
 */
public interface ModelLease extends AutoCloseable {
    /** The version's description (its request defaults and labels, as served when the lease was taken). */
    ModelDescription description();

    /** Load sequence number of this version (1 = its first load on this server; 0 when not tracked). */
    int generation();

    @Override
    void close();

    /** A lease on a model that never changes (test explainers, fixed model lists). */
    static ModelLease fixed(ModelDescription description) {
        return new ModelLease() {
            @Override
            public ModelDescription description() {
                return description;
            }

            @Override
            public int generation() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }
}
