package io.scorecam.server.engine.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A byte-bounded cache of per-frame work: feature-pass results and score tables, keyed by model, frame content
 * hash and (for score tables) the kind of rows. Entries are inserted while still being computed, so a frame that
 * arrives twice at once is computed once. Sizes are known up front from the model's dimensions.
 *
 * <p>Segmented LRU: a new entry goes to a small probation segment (an eighth of the bytes); a hit
 * there moves it to the protected segment (the rest); the protected segment's least recently used entries fall
 * back to probation. A frame whose probation entry was evicted and that comes back is remembered by key (a ghost,
 * a few bytes) and goes straight to protected. So a live camera's one-off frames only pass through probation:
 * they live for a fraction of a second and die young, instead of each staying for a whole cache's worth of newer
 * frames, being promoted to the old generation and filling it with dead entries (on MobileNetV2 at ~160 frames/s,
 * ~170 MB/s of 1-MB entries: the concurrent GC then ran every few seconds, and once the heap grew, not at all,
 * with young pauses of 0.3 -- 0.6 s). A frame asked twice in a row, or again after other frames, stays.
 */
public final class FrameCache {
    /** Probation's share of the bytes: one-off frames cycle through this much memory and no more. */
    static final int PROBATION_SHARE_DIVISOR = 8;
    /** Ghost keys remembered per entry the cache holds at most (keys are small; entries are ~1 MB). */
    private static final int GHOSTS_PER_ENTRY = 4;
    private static final int MIN_GHOSTS = 256;

    /** Feature pass of a frame: depends only on the model and the preprocessed pixels. */
    public record FeatureKey(String model, FrameHash frame) { }

    /**
     * A frame's score table for one kind of rows ({@code rows} is the pass's row key: it names everything
     * that changes the numbers, e.g. the convention of masked passes, none for Recipro-CAM's head passes).
     */
    public record RowsKey(String model, FrameHash frame, String rows) { }

    private record Entry(Object value, long bytes) { }

    private final long capacityBytes;
    private final long probationCapacity;
    private final LinkedHashMap<Object, Entry> probation = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<Object, Entry> protectedEntries = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<Object, Boolean> ghosts = new LinkedHashMap<>(64, 0.75f, false);
    private long probationBytes;
    private long protectedBytes;
    private int maxEntries;
    private long hits;
    private long misses;

    public FrameCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.probationCapacity = capacityBytes / PROBATION_SHARE_DIVISOR;
    }

    /**
     * Returns the cached value for key, or makes one with factory, inserts it (evicting what the segments no
     * longer hold) and returns it. A value larger than the whole cache is returned without being kept.
     */
    @SuppressWarnings("unchecked")
    public synchronized <V> V getOrCreate(Object key, long bytes, Function<Object, V> factory) {
        Entry e = protectedEntries.get(key);
        if (e == null) {
            e = probation.remove(key);
            if (e != null) {
                probationBytes -= e.bytes;
                protect(key, e);
            }
        }
        if (e != null) {
            hits++;
            return (V) e.value;
        }
        misses++;
        V value = factory.apply(key);
        if (bytes <= capacityBytes) {
            Entry created = new Entry(value, bytes);
            if (ghosts.remove(key) != null || bytes > probationCapacity) {
                protect(key, created); // it came back after probation let it go: it is not a one-off
            } else {
                probation.put(key, created);
                probationBytes += bytes;
                evictProbation();
            }
            maxEntries = Math.max(maxEntries, probation.size() + protectedEntries.size());
        }
        return value;
    }

    /** Drops an entry whose computation failed, so the next request tries again. */
    public synchronized void remove(Object key, Object value) {
        probationBytes -= drop(probation, key, value);
        protectedBytes -= drop(protectedEntries, key, value);
    }

    /** Removes key from segment if it maps to value; returns the bytes freed. */
    private static long drop(Map<Object, Entry> segment, Object key, Object value) {
        Entry e = segment.get(key);
        if (e == null || e.value != value) {
            return 0;
        }
        segment.remove(key);
        return e.bytes;
    }

    /**
     * Puts an entry in protected (at most the bytes probation does not reserve, unless the newcomer alone needs
     * more); protected's least recently used entries go back to probation.
     */
    private void protect(Object key, Entry e) {
        protectedEntries.put(key, e);
        protectedBytes += e.bytes;
        Iterator<Map.Entry<Object, Entry>> it = protectedEntries.entrySet().iterator();
        while (protectedBytes > capacityBytes - probationCapacity && it.hasNext()) {
            Map.Entry<Object, Entry> oldest = it.next();
            if (oldest.getValue() == e) {
                break;
            }
            it.remove();
            protectedBytes -= oldest.getValue().bytes;
            probation.put(oldest.getKey(), oldest.getValue());
            probationBytes += oldest.getValue().bytes;
        }
        evictProbation();
    }

    private void evictProbation() {
        long limit = Math.min(probationCapacity, capacityBytes - protectedBytes);
        Iterator<Map.Entry<Object, Entry>> it = probation.entrySet().iterator();
        while (probationBytes > limit && it.hasNext()) {
            Map.Entry<Object, Entry> oldest = it.next();
            it.remove();
            probationBytes -= oldest.getValue().bytes;
            ghosts.put(oldest.getKey(), Boolean.TRUE);
        }
        int maxGhosts = Math.max(MIN_GHOSTS, GHOSTS_PER_ENTRY * maxEntries);
        Iterator<Object> g = ghosts.keySet().iterator();
        while (ghosts.size() > maxGhosts && g.hasNext()) {
            g.next();
            g.remove();
        }
    }

    public synchronized long usedBytes() {
        return probationBytes + protectedBytes;
    }

    /** Bytes of entries that were asked for more than once (the rest are in probation). */
    public synchronized long protectedBytes() {
        return protectedBytes;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}
