package io.scorecam.server.engine.pass;

import io.scorecam.server.batching.BatchKind;
import io.scorecam.server.inference.InferenceSession;

import io.scorecam.server.inference.FloatTensor;

import java.nio.FloatBuffer;

/**
 * What the engine's batch kinds share: a name for metrics, a batch size fixed once at load time and,
 * for kinds with a session of their own, that session (closed with the model).
 */
public abstract class SessionPass<I, R> implements BatchKind<I, R>, AutoCloseable {
    private final String name;
    private volatile int maxBatch;

    public SessionPass(String name, int maxBatch) {
        this.name = name;
        this.maxBatch = maxBatch;
    }

    @Override
    public final String name() {
        return name;
    }

    public void setMaxBatch(int size) {
        this.maxBatch = size;
    }

    @Override
    public final int maxBatch() {
        return maxBatch;
    }

    /** The session this pass owns, or null when it runs on another pass's session. */
    protected InferenceSession ownSession() {
        return null;
    }

    /** Closes the session this pass owns (if any). */
    @Override
    public void close() {
        InferenceSession s = ownSession();
        if (s != null) {
            s.close();
        }
    }

    /**
     * Splits a batch output [n, ...] into its n rows, each copied straight out of the output's buffer (one copy,
     * so the batch's buffer can go; copying it into one array first cost a second copy of every output).
     */
    static float[][] rows(FloatTensor batch, int n) {
        FloatBuffer values = batch.data().duplicate();
        if (values.remaining() % n != 0) {
            throw new IllegalArgumentException("a batch output of " + values.remaining() + " floats is not " + n
                    + " equal rows");
        }
        int size = values.remaining() / n;
        float[][] rows = new float[n][size];
        for (float[] row : rows) {
            values.get(row);
        }
        return rows;
    }
}
