package io.scorecam.server.engine.pass;

import io.scorecam.server.batching.BatchKind;

import java.util.Arrays;

/** What the engine's two batch kinds share: a name for metrics and a batch size fixed once at load time. */
public abstract class SessionPass<I> implements BatchKind<I> {
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

    /** Splits a batch output [n, ...] into its n rows (each a copy, so the batch's buffer can go). */
    static float[][] rows(float[] batch, int n) {
        int size = batch.length / n;
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(batch, i * size, (i + 1) * size);
        }
        return rows;
    }
}
