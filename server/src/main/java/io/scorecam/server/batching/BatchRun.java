package io.scorecam.server.batching;

/**
 * One batch as seen by one group of items that rode in it (for a frame's trace). Several frames' groups
 * share a batch: each is told the same {@code id}, {@code size} and times, and its own item count.
 *
 * @param kind          the batch's kind name
 * @param id            the batch's number in this scheduler (shared by every group in the batch)
 * @param size          items in the whole batch
 * @param items         this group's items in it
 * @param enqueuedNanos when this group was queued ({@link System#nanoTime()})
 * @param startNanos    when the batch started to run
 * @param endNanos      when it finished (or failed)
 * @param failure       why it failed; null if it ran
 */
public record BatchRun(String kind, long id, int size, int items, long enqueuedNanos, long startNanos,
                       long endNanos, Throwable failure) {
}
