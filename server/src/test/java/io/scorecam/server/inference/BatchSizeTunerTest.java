package io.scorecam.server.inference;

import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the tuner with a fake session that advances a fake clock, so no test depends on real timing. */
class BatchSizeTunerTest {

    private static final long MS = 1_000_000L;

    /** Each run costs cost(batch) nanoseconds of fake time; batches above maxBatch are rejected. */
    private static class FakeSession implements InferenceSession {
        final long[] clock = {0};
        final IntToLongFunction cost;
        final int maxBatch;
        int runs;

        FakeSession(IntToLongFunction cost, int maxBatch) {
            this.cost = cost;
            this.maxBatch = maxBatch;
        }

        @Override
        public List<TensorInfo> inputs() {
            return List.of(new TensorInfo("x", TensorInfo.ElementType.FLOAT, new long[] {-1, 1}));
        }

        @Override
        public List<TensorInfo> outputs() {
            return List.of(new TensorInfo("y", TensorInfo.ElementType.FLOAT, new long[] {-1, 1}));
        }

        @Override
        public Map<String, FloatTensor> run(Map<String, Tensor> inputs, List<String> outputNames) {
            int batch = (int) inputs.get("x").shape()[0];
            if (batch > maxBatch) {
                throw ScoreCamException.invalid("fake: batch " + batch + " exceeds " + maxBatch);
            }
            runs++;
            clock[0] += cost.applyAsLong(batch);
            return Map.of("y", FloatTensor.allocate(batch, 1));
        }

        @Override
        public void close() {
        }
    }

    private static BatchSizeTuner.Result tune(FakeSession session) {
        BatchSizeTuner tuner = new BatchSizeTuner(Duration.ofMillis(100), 1, 2, 0.05, () -> session.clock[0]);
        return tuner.tune(session, b -> Map.of("x", FloatTensor.allocate(b, 1)), List.of("y"),
                BatchSizeTuner.DEFAULT_CANDIDATES);
    }

    @Test
    void picksTheLargestBatchWhenBatchingKeepsPayingOff() {
        // 1 ms overhead per run plus 0.1 ms per image: throughput grows with the batch
        BatchSizeTuner.Result r = tune(new FakeSession(b -> MS + b * MS / 10, 64));
        assertEquals(32, r.bestBatchSize());
        assertEquals(6, r.table().size());
        BatchSizeTuner.Measurement one = r.table().get(0);
        assertEquals(1000.0 / 1.1, one.imagesPerSecond(), 1.0);
        assertTrue(r.format().contains("<- chosen"));
    }

    @Test
    void prefersTheSmallerBatchWhenThroughputIsFlat() {
        // cost proportional to the batch, with a 3% wobble favouring 16: within tolerance, so 1 wins
        BatchSizeTuner.Result r = tune(new FakeSession(b -> b == 16 ? b * MS * 97 / 100 : b * MS, 64));
        assertEquals(1, r.bestBatchSize());
    }

    @Test
    void picksTheMiddleWhenLargeBatchesGetSlower() {
        // like MobileNetV2 on CPU: per-image cost falls to batch 8, then rises again
        BatchSizeTuner.Result r = tune(new FakeSession(b -> b * (b <= 8 ? MS - b * MS / 20 : MS / 2 + b * MS / 50), 64));
        assertEquals(8, r.bestBatchSize());
    }

    @Test
    void rejectedBatchesAreReportedNotFatal() {
        BatchSizeTuner.Result r = tune(new FakeSession(b -> MS + b * MS / 10, 4));
        assertEquals(4, r.bestBatchSize());
        BatchSizeTuner.Measurement eight = r.table().get(3);
        assertFalse(eight.ok());
        assertTrue(eight.error().contains("batch 8 exceeds 4"), eight.error());
    }

    @Test
    void largerBatchesAreSkippedOnceOneRunExceedsTheBudget() {
        FakeSession slow = new FakeSession(b -> b * 40 * MS, 64); // batch 4 takes 160 ms > 100 ms budget
        BatchSizeTuner.Result r = tune(slow);
        assertTrue(r.table().get(2).ok());
        assertTrue(r.table().get(3).error().startsWith("skipped"));
        assertEquals(1, r.bestBatchSize());
    }

    @Test
    void warmUpRunsAreNotTimed() {
        // the first run of each batch size is 50x slower (ORT plans memory per shape); it must not count
        FakeSession session = new FakeSession(null, 64) {
            final java.util.Set<Integer> seen = new java.util.HashSet<>();

            @Override
            public Map<String, FloatTensor> run(Map<String, Tensor> inputs, List<String> outputNames) {
                int batch = (int) inputs.get("x").shape()[0];
                clock[0] += seen.add(batch) ? 50 * MS : MS;
                return Map.of("y", FloatTensor.allocate(batch, 1));
            }
        };
        BatchSizeTuner.Result r = tune(session);
        assertEquals(1000.0, r.table().get(0).imagesPerSecond(), 1e-6);
        assertEquals(32, r.bestBatchSize());
    }

    @Test
    void failsWhenNothingRuns() {
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> tune(new FakeSession(b -> MS, 0)));
        assertTrue(e.getMessage().contains("no candidate batch size could run"), e.getMessage());
    }

    @Test
    void aSlowModelIsTunedWithinTheTotalBudgetAndStillCompared() {
        // an fp32 ResNet-18 on CPU: ~42 ms per image whatever the batch (24 images/s); the production settings
        FakeSession resnet = new FakeSession(b -> b * 42 * MS, 64);
        BatchSizeTuner tuner = new BatchSizeTuner(Duration.ofMillis(300), 2, 3, 0.05, Duration.ofSeconds(4),
                () -> resnet.clock[0]);
        BatchSizeTuner.Result r = tuner.tune(resnet, b -> Map.of("x", FloatTensor.allocate(b, 1)), List.of("y"),
                BatchSizeTuner.DEFAULT_CANDIDATES);
        assertTrue(resnet.clock[0] <= 4_000 * MS, "took " + resnet.clock[0] / MS + " ms of the 4000 ms budget\n" + r.format());
        assertEquals(1, r.bestBatchSize(), r.format());
        long measured = r.table().stream().filter(BatchSizeTuner.Measurement::ok).count();
        assertTrue(measured >= 2, "at least two sizes compared:\n" + r.format());
        assertTrue(r.table().get(0).timedRuns() >= 6, "batch 1 timed over every round:\n" + r.format());
        assertTrue(r.table().stream().filter(m -> !m.ok()).allMatch(m -> m.error().startsWith("skipped")), r.format());
    }

    @Test
    void theBudgetCutsRoundsForEveryCandidateAlike() {
        // fast enough to fit the warm-ups, not all rounds: whatever rounds run, every measured candidate got them
        FakeSession session = new FakeSession(b -> MS + b * MS / 10, 64);
        BatchSizeTuner tuner = new BatchSizeTuner(Duration.ofMillis(300), 1, 3, 0.05, Duration.ofMillis(700),
                () -> session.clock[0]);
        BatchSizeTuner.Result r = tuner.tune(session, b -> Map.of("x", FloatTensor.allocate(b, 1)), List.of("y"),
                BatchSizeTuner.DEFAULT_CANDIDATES);
        assertTrue(session.clock[0] <= 800 * MS, "took " + session.clock[0] / MS + " ms:\n" + r.format());
        assertTrue(r.table().stream().filter(BatchSizeTuner.Measurement::ok).count() >= 2, r.format());
    }
}
