package io.scorecam.server.engine.cache;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame cache's contract: computed once, bounded in bytes, and what was just asked for stays. */
class FrameCacheTest {
    private static final long ENTRY = 1000;

    @Test
    void aFrameAskedTwiceIsMadeOnceAndCountsAHit() {
        FrameCache cache = new FrameCache(100 * ENTRY);
        AtomicInteger made = new AtomicInteger();
        Object first = cache.getOrCreate("frame", ENTRY, k -> new Object[] {made.incrementAndGet()});
        Object second = cache.getOrCreate("frame", ENTRY, k -> new Object[] {made.incrementAndGet()});
        assertSame(first, second);
        assertEquals(1, made.get());
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void theBytesStayWithinTheCapacity() {
        FrameCache cache = new FrameCache(100 * ENTRY);
        for (int i = 0; i < 5000; i++) {
            cache.getOrCreate("frame-" + i, ENTRY, k -> new Object());
            assertTrue(cache.usedBytes() <= 100 * ENTRY, "after " + i + ": " + cache.usedBytes());
        }
        assertTrue(cache.usedBytes() > 0);
    }

    @Test
    void aValueLargerThanTheCacheIsReturnedButNotKept() {
        FrameCache cache = new FrameCache(10 * ENTRY);
        Object a = cache.getOrCreate("huge", 11 * ENTRY, k -> new Object());
        Object b = cache.getOrCreate("huge", 11 * ENTRY, k -> new Object());
        assertNotSame(a, b);
        assertEquals(0, cache.usedBytes());
        FrameCache off = new FrameCache(0);
        assertNotSame(off.getOrCreate("x", 1, k -> new Object()), off.getOrCreate("x", 1, k -> new Object()));
    }

    @Test
    void removeDropsOnlyTheFailedValue() {
        FrameCache cache = new FrameCache(100 * ENTRY);
        Object failed = cache.getOrCreate("frame", ENTRY, k -> new Object());
        cache.remove("frame", new Object()); // someone else's value: stays
        assertSame(failed, cache.getOrCreate("frame", ENTRY, k -> new Object()));
        cache.remove("frame", failed);
        assertNotSame(failed, cache.getOrCreate("frame", ENTRY, k -> new Object()));
    }

    @Test
    void aFrameAskedAgainRightAfterALongLiveStreamIsStillAHit() {
        // 50x the cache's worth of frames seen once (a live camera), then one frame sent twice in a row: the
        // second must not run its passes again. (A W-TinyLFU cache, tried in session 7, failed this: with its
        // main space full of one-off frames it evicted each new entry at once, repeat_passes=50 on MobileNetV2.)
        FrameCache cache = new FrameCache(100 * ENTRY);
        for (int i = 0; i < 5000; i++) {
            cache.getOrCreate("live-" + i, ENTRY, k -> new Object());
        }
        Object first = cache.getOrCreate("repeated", ENTRY, k -> new Object());
        cache.getOrCreate("live-next", ENTRY, k -> new Object()); // another entry in between
        assertSame(first, cache.getOrCreate("repeated", ENTRY, k -> new Object()));
    }
}
