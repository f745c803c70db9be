package io.scorecam.server.engine.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A byte-bounded cache of per-frame work: feature-pass results and score tables, keyed by model, frame
 * content hash and (for score tables) the kind of rows. Entries are inserted while still being computed, so a frame
 * that arrives twice at once is computed once. Sizes are known up front from the model's dimensions.
 *
 * <p>Caffeine's W-TinyLFU decides what stays: a new entry starts in a small admission window and enters the
 * main space only when it is asked for more often than what it would evict. A live camera sends frames
 * nobody asks for again; under plain LRU each one stayed until 256 MiB of newer ones had passed, long enough
 * to be promoted, so the old generation churned at the camera's data rate (cache off: 147 and 159 live
 * frames/s answered against 129 and 137 with LRU on MobileNetV2, RESULTS.md). Frames asked again (another
 * class, a repeated still) are kept as before.
 */
public final class FrameCache {
    /** Feature pass of a frame: depends only on the model and the preprocessed pixels. */
    public record FeatureKey(String model, FrameHash frame) { }

    /**
     * A frame's score table for one kind of rows ({@code rows} is the pass's row key: it names everything
     * that changes the numbers, e.g. the convention of masked passes, none for Recipro-CAM's head passes).
     */
    public record RowsKey(String model, FrameHash frame, String rows) { }

    private record Entry(Object value, long bytes) { }

    private final long capacityBytes;
    private final Cache<Object, Entry> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public FrameCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(capacityBytes)
                .weigher((Object key, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.bytes))
                .executor(Runnable::run) // evict on the caller's thread, not on the common pool
                .build();
    }

    /**
     * Returns the cached value for key, or makes one with factory, inserts it (evicting what the policy
     * chooses beyond capacity) and returns it. A value larger than the whole cache is returned without being kept.
     */
    @SuppressWarnings("unchecked")
    public <V> V getOrCreate(Object key, long bytes, Function<Object, V> factory) {
        if (bytes > capacityBytes) {
            misses.increment();
            return factory.apply(key);
        }
        boolean[] created = {false};
        Entry e = entries.get(key, k -> {
            created[0] = true;
            return new Entry(factory.apply(k), bytes);
        });
        (created[0] ? misses : hits).increment();
        return (V) e.value;
    }

    /** Drops an entry whose computation failed, so the next request tries again. */
    public void remove(Object key, Object value) {
        entries.asMap().computeIfPresent(key, (k, e) -> e.value == value ? null : e);
    }

    public long usedBytes() {
        entries.cleanUp();
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
