package io.scorecam.server.batching;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSchedulerTest {

    /** Records every batch it runs; each item's result is its value times ten. */
    static final class RecordingKind implements BatchKind<Integer, Object> {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final int max;
        volatile CountDownLatch gate = new CountDownLatch(0);

        RecordingKind(int max) {
            this.max = max;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public int maxBatch() {
            return max;
        }

        @Override
        public List<Object> run(List<Integer> items) {
            try {
                gate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(List.copyOf(items));
            return items.stream().map(i -> (Object) (i * 10)).toList();
        }
    }

    @Test
    void resultsComeBackPerGroupInItemOrderAcrossBatches() throws Exception {
        RecordingKind kind = new RecordingKind(4);
        try (BatchScheduler scheduler = new BatchScheduler(1, 500, BatchListener.NONE)) {
            CompletableFuture<List<Object>> a = scheduler.submit(kind, List.of(1, 2, 3, 4, 5, 6, 7),
                    new CancellationToken());
            CompletableFuture<List<Object>> b = scheduler.submit(kind, List.of(100, 200), new CancellationToken());
            assertEquals(List.of(10, 20, 30, 40, 50, 60, 70), a.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(1000, 2000), b.get(5, TimeUnit.SECONDS));
            for (List<Integer> batch : kind.batches) {
                assertTrue(batch.size() <= 4, "batch larger than maxBatch: " + batch);
            }
            List<Integer> order = kind.batches.stream().flatMap(List::stream).toList();
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 100, 200), order, "items are taken FIFO by frame");
        }
    }

    @Test
    void itemsOfSeveralFramesShareABatch() throws Exception {
        RecordingKind kind = new RecordingKind(8);
        kind.gate = new CountDownLatch(1); // hold the worker so the queue fills up behind it
        try (BatchScheduler scheduler = new BatchScheduler(1, 200_000, BatchListener.NONE)) {
            CompletableFuture<List<Object>> first = scheduler.submit(kind, IntStream.range(0, 8).boxed().toList(),
                    new CancellationToken());
            List<CompletableFuture<List<Object>>> small = new ArrayList<>();
            for (int f = 0; f < 4; f++) {
                small.add(scheduler.submit(kind, List.of(100 + 2 * f, 101 + 2 * f), new CancellationToken()));
            }
            kind.gate.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<List<Object>> f : small) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertEquals(2, kind.batches.size(), "four 2-item frames should fill one batch of 8: " + kind.batches);
            assertEquals(8, kind.batches.get(1).size());
        }
    }

    @Test
    void aPartialBatchRunsAfterTheMaxDelay() throws Exception {
        RecordingKind kind = new RecordingKind(64);
        try (BatchScheduler scheduler = new BatchScheduler(1, 20_000, BatchListener.NONE)) {
            assertEquals(List.of(30), scheduler.submit(kind, List.of(3), new CancellationToken())
                    .get(5, TimeUnit.SECONDS));
            assertEquals(List.of(List.of(3)), kind.batches);
        }
    }

    @Test
    void cancelledWorkIsDroppedWithoutRunning() throws Exception {
        RecordingKind kind = new RecordingKind(2);
        kind.gate = new CountDownLatch(1);
        try (BatchScheduler scheduler = new BatchScheduler(1, 0, BatchListener.NONE)) {
            CompletableFuture<List<Object>> running = scheduler.submit(kind, List.of(1, 2), new CancellationToken());
            CancellationToken token = new CancellationToken();
            CompletableFuture<List<Object>> doomed = scheduler.submit(kind, List.of(7, 8, 9, 10), token);
            token.cancel();
            kind.gate.countDown();
            running.get(5, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> doomed.get(5, TimeUnit.SECONDS));
            ScoreCamException cause = assertInstanceOf(ScoreCamException.class, e.getCause());
            assertEquals(ErrorCode.CANCELLED, cause.code());
            assertTrue(kind.batches.stream().flatMap(List::stream).noneMatch(i -> i >= 7),
                    "cancelled items ran: " + kind.batches);
            assertEquals(0, scheduler.queuedItems());
        }
    }

    @Test
    void aFailingBatchFailsItsGroupsAndTheWorkerGoesOn() throws Exception {
        BatchKind<Integer, Object> failing = new BatchKind<>() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public int maxBatch() {
                return 4;
            }

            @Override
            public List<Object> run(List<Integer> items) {
                if (items.contains(13)) {
                    throw new IllegalStateException("unlucky");
                }
                return items.stream().map(i -> (Object) i).toList();
            }
        };
        try (BatchScheduler scheduler = new BatchScheduler(1, 0, BatchListener.NONE)) {
            CompletableFuture<List<Object>> bad = scheduler.submit(failing, List.of(13), new CancellationToken());
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
            assertEquals(ErrorCode.INTERNAL, ((ScoreCamException) e.getCause()).code());
            assertEquals(List.of(1), scheduler.submit(failing, List.of(1), new CancellationToken())
                    .get(5, TimeUnit.SECONDS));
        }
    }
}
