package io.scorecam.server.stream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which warm-up frame comes next (see {@link WarmUp}): frame n is pair {@code n % pairs}; the first round
 * visits every pair, later rounds skip the pairs found too slow to repeat, so the budget goes to the fast ones.
 * Thread-safe (two lanes draw from it).
 */
final class WarmUpRota {
    private final int pairs;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Integer> slow = ConcurrentHashMap.newKeySet();
    private final Set<Integer> timed = ConcurrentHashMap.newKeySet();

    WarmUpRota(int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("no model/method pair to warm up");
        }
        this.pairs = pairs;
    }

    /** The next frame's number; its pair is {@code n % pairs}. When every pair is slow, they take turns. */
    int next() {
        for (int tries = 0; ; tries++) {
            int n = next.getAndIncrement();
            if (n < pairs || !slow.contains(n % pairs) || tries >= pairs) {
                return n;
            }
        }
    }

    /** Frame n took {@code nanos}; a pair slower than {@code slowNanos} is not repeated. */
    void took(int n, long nanos, long slowNanos) {
        timed.add(n % pairs);
        if (nanos > slowNanos) {
            slow.add(n % pairs);
        }
    }

    /** A pair that answered a frame within the limit; one never tried (the budget ran out first) is not fast. */
    boolean isFast(int pair) {
        return timed.contains(pair) && !slow.contains(pair);
    }

    int slowPairs() {
        return slow.size();
    }
}
