package io.scorecam.server.batching;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a group's future triggers runs in the callers' code (the frame cache retries shared work, fails rows,
 * wakes streams): the scheduler must survive it. The waits below are hang guards, not timings.
 */
class BatchSchedulerCallbackTest {
    private static final long GUARD_S = 10;

    @Test
    void aDroppedGroupsCallbackDoesNotHoldTheQueueLock() throws Exception {
        BatchSchedulerTest.RecordingKind kind = new BatchSchedulerTest.RecordingKind(1);
        kind.gate = new CountDownLatch(1);
        try (BatchScheduler scheduler = new BatchScheduler(1, 0, BatchListener.NONE)) {
            CompletableFuture<List<Object>> blocker = scheduler.submit(kind, List.of(0), new CancellationToken());
            awaitTaken(scheduler);
            CancellationToken token = new CancellationToken();
            token.cancel();
            CountDownLatch otherSubmitted = new CountDownLatch(1);
            List<CompletableFuture<List<Object>>> retried = new CopyOnWriteArrayList<>();
            boolean[] submittedWhileInCallback = {false};
            CompletableFuture<List<Object>> dropped = scheduler.submit(kind, List.of(1), token);
            CompletableFuture<Void> callbackDone = dropped.handle((r, e) -> {
                // like a request holding a score table's lock that queues its retry: another thread submits
                Thread other = new Thread(() -> {
                    retried.add(scheduler.submit(kind, List.of(2), new CancellationToken()));
                    otherSubmitted.countDown();
                });
                other.start();
                try {
                    submittedWhileInCallback[0] = otherSubmitted.await(GUARD_S, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            kind.gate.countDown();
            blocker.get(GUARD_S, TimeUnit.SECONDS);
            callbackDone.get(2 * GUARD_S, TimeUnit.SECONDS);
            assertTrue(submittedWhileInCallback[0], "another thread could not queue work while a dropped "
                    + "group's callback ran: the callback ran under the scheduler's lock");
            ExecutionException e = assertThrows(ExecutionException.class, () -> dropped.get(1, TimeUnit.SECONDS));
            assertEquals(ErrorCode.CANCELLED, assertInstanceOf(ScoreCamException.class, e.getCause()).code());
            assertEquals(List.of(20), retried.get(0).get(GUARD_S, TimeUnit.SECONDS));
        }
    }

    @Test
    void aListenerThatThrowsNeitherKillsTheWorkerNorStrandsTheBatch() throws Exception {
        BatchSchedulerTest.RecordingKind kind = new BatchSchedulerTest.RecordingKind(2);
        BatchListener broken = (k, size, wait, run) -> {
            throw new IllegalStateException("metrics backend down");
        };
        try (BatchScheduler scheduler = new BatchScheduler(1, 0, broken)) {
            List<CompletableFuture<List<Object>>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(scheduler.submit(kind, List.of(i, i + 1), new CancellationToken()));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(10 * i, 10 * (i + 1)), futures.get(i).get(GUARD_S, TimeUnit.SECONDS));
            }
        }
    }

    /** Waits until the worker has taken everything queued (it is then inside a batch). */
    private static void awaitTaken(BatchScheduler scheduler) throws InterruptedException {
        for (int i = 0; i < GUARD_S * 1000 && scheduler.queuedItems() > 0; i++) {
            Thread.sleep(1);
        }
        assertEquals(0, scheduler.queuedItems(), "the worker did not take the blocking batch");
    }
}
