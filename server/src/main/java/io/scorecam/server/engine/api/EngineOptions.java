package io.scorecam.server.engine.api;

import io.scorecam.server.config.ServerConfig;

/**
 * Engine settings (the server's flags map onto these).
 *
 * @param batchSize           items per scoring batch; 0 = measure the best size per model at load time
 * @param maxDelayMicros      how long a partial batch may wait for more items
 * @param workers             batch worker threads (each runs whole batches through ORT)
 * @param cacheBytes          byte budget of the per-frame feature and score cache
 * @param defaultModel        model used when a request names none; empty = the first model by name
 * @param fasterChannels      FASTER_SCORE_CAM channels when a request does not say
 * @param tuneBudgetMs        the longest batch-size tuning may take per model
 */
public record EngineOptions(int batchSize,
                            long maxDelayMicros,
                            int workers,
                            long cacheBytes,
                            String defaultModel,
                            int fasterChannels,
                            long tuneBudgetMs) {

    public static EngineOptions defaults() {
        // the server's flag default, so the embedded and in-process servers and the benchmarks batch alike
        long maxDelayMicros = Math.round(Double.parseDouble(ServerConfig.DEFAULT_MAX_DELAY_MS) * 1000);
        return new EngineOptions(0, maxDelayMicros, Math.max(1, Runtime.getRuntime().availableProcessors()),
                256L << 20, "", 32, 8_000);
    }

    public EngineOptions withBatchSize(int size) {
        return new EngineOptions(size, maxDelayMicros, workers, cacheBytes, defaultModel, fasterChannels, tuneBudgetMs);
    }

    public EngineOptions withCacheBytes(long bytes) {
        return new EngineOptions(batchSize, maxDelayMicros, workers, bytes, defaultModel, fasterChannels, tuneBudgetMs);
    }
}
