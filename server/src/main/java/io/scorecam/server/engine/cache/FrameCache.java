package io.scorecam.server.engine.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A byte-bounded LRU of per-frame work: feature-pass results and score tables, keyed by model, frame
 * content hash and (for score tables) the kind of rows. Entries are inserted while still being computed, so a frame
 * that arrives twice at once is computed once. Sizes are known up front from the model's dimensions.
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
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long usedBytes;
    private long hits;
    private long misses;

    public FrameCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /**
     * Returns the cached value for key, or makes one with factory, inserts it (evicting the least
     * recently used entries beyond capacity) and returns it. A value larger than the whole cache is
     * returned without being kept.
     */
    @SuppressWarnings("unchecked")
    public synchronized <V> V getOrCreate(Object key, long bytes, Function<Object, V> factory) {
        Entry e = entries.get(key);
        if (e != null) {
            hits++;
            return (V) e.value;
        }
        misses++;
        V value = factory.apply(key);
        if (bytes <= capacityBytes) {
            entries.put(key, new Entry(value, bytes));
            usedBytes += bytes;
            evict();
        }
        return value;
    }

    /** Drops an entry whose computation failed, so the next request tries again. */
    public synchronized void remove(Object key, Object value) {
        Entry e = entries.get(key);
        if (e != null && e.value == value) {
            entries.remove(key);
            usedBytes -= e.bytes;
        }
    }

    private void evict() {
        Iterator<Map.Entry<Object, Entry>> it = entries.entrySet().iterator();
        while (usedBytes > capacityBytes && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            usedBytes -= e.bytes;
        }
    }

    public synchronized long usedBytes() {
        return usedBytes;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}
