package io.scorecam.server.engine;

import io.scorecam.server.batching.BatchKind;

/** What the engine's two batch kinds share: a name for metrics and a batch size fixed once at load time. */
abstract class SessionPass<I> implements BatchKind<I> {
    private final String name;
    private volatile int maxBatch;

    SessionPass(String name, int maxBatch) {
        this.name = name;
        this.maxBatch = maxBatch;
    }

    @Override
    public final String name() {
        return name;
    }

    void setMaxBatch(int size) {
        this.maxBatch = size;
    }

    @Override
    public final int maxBatch() {
        return maxBatch;
    }
}
