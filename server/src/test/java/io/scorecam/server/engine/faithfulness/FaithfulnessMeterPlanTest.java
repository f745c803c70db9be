package io.scorecam.server.engine.faithfulness;

import io.scorecam.server.batching.BatchKind;
import io.scorecam.server.batching.BatchListener;
import io.scorecam.server.batching.BatchScheduler;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The meter's plan and assembly with a stand-in model whose "probability" of class 0 is the mean of the
 * image: on an all-ones input the deletion curve is then the fraction of pixels left, O the map's mean.
 */
class FaithfulnessMeterPlanTest {
    private static final int H = 10;
    private static final int W = 10;
    private final BatchScheduler scheduler = new BatchScheduler(1, 0, BatchListener.NONE);
    private final FaithfulnessMeter meter = new FaithfulnessMeter(scheduler);
    private final MeanModel model = new MeanModel();

    @AfterEach
    void close() {
        scheduler.close();
    }

    /** Class 0: the image's mean; class 1: 1 - that. */
    static final class MeanModel implements BatchKind<ProbeImage, float[]> {
        final AtomicInteger images = new AtomicInteger();

        public String name() {
            return "mean";
        }

        public int maxBatch() {
            return 8;
        }

        public List<float[]> run(List<ProbeImage> items) {
            List<float[]> out = new ArrayList<>();
            for (ProbeImage item : items) {
                FloatBuffer b = FloatBuffer.allocate(3 * H * W);
                item.writeTo(b);
                double sum = 0;
                for (float v : b.array()) {
                    sum += v;
                }
                float mean = (float) (sum / b.capacity());
                out.add(new float[] {mean, 1 - mean});
                images.incrementAndGet();
            }
            return out;
        }
    }

    private static FaithfulnessMeter.Frame ones() {
        float[] input = new float[3 * H * W];
        java.util.Arrays.fill(input, 1f);
        return new FaithfulnessMeter.Frame(input, new float[] {0.9f, 0.1f}, H, W);
    }

    private static float[] ramp() {
        float[] map = new float[H * W];
        for (int i = 0; i < map.length; i++) {
            map[i] = i / (float) (map.length - 1);
        }
        return map;
    }

    private List<Faithfulness> measure(List<FaithfulnessMeter.Target> targets, int steps, AtomicInteger passes)
            throws Exception {
        return meter.measure(model, ones(), targets, steps, new CancellationToken(), passes::addAndGet, n -> { })
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void curvesFollowTheStepsAndPassesAreCountedOnce() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        float[] map = ramp();
        Faithfulness f = measure(List.of(new FaithfulnessMeter.Target(0, map)), 3, passes).get(0);
        // 100 pixels, 3 steps: step 34, changed after i steps 0, 34, 68, 100
        float[] expected = {0.9f, 66 / 100f, 32 / 100f, 0f};
        assertEquals(expected.length, f.deletionCurve().length);
        assertEquals(0.9f, f.deletionCurve()[0]);           // Y, not a pass
        for (int i = 1; i < expected.length; i++) {
            assertEquals(expected[i], f.deletionCurve()[i], 1e-6, "deletion " + i);
        }
        assertEquals(0.9f, f.insertionCurve()[3]);          // the input itself: Y
        assertEquals(0.5f, f.explanationScore(), 1e-6);     // mean of the ramp
        assertEquals(0.9f, f.originalScore());
        assertEquals(2 * 3 + 1, passes.get());
        assertEquals(passes.get(), model.images.get());
    }

    @Test
    void mapsShareWhatDoesNotDependOnThemAndEqualMapsShareEverything() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        float[] map = ramp();
        float[] other = ramp();
        other[0] = 1;
        List<Faithfulness> got = measure(List.of(new FaithfulnessMeter.Target(0, map),
                new FaithfulnessMeter.Target(1, map.clone()), new FaithfulnessMeter.Target(0, other)), 4, passes);
        // two distinct maps: 2 (2n - 1) + the shared all-zero and blurred images
        assertEquals(2 * (2 * 4 - 1) + 2, passes.get());
        assertEquals(1 - got.get(0).deletionCurve()[2], got.get(1).deletionCurve()[2], 1e-6);
        assertEquals(got.get(0).insertionCurve()[0], got.get(2).insertionCurve()[0]);
    }

    @Test
    void moreStepsThanTheImageNeedsRepeatTheFinalImage() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        Faithfulness f = measure(List.of(new FaithfulnessMeter.Target(0, ramp())), 64, passes).get(0);
        // step ceil(100 / 64) = 2: from i = 50 on every pixel is changed
        assertEquals(65, f.deletionCurve().length);
        for (int i = 50; i <= 64; i++) {
            assertEquals(0f, f.deletionCurve()[i], 0f);
            assertEquals(0.9f, f.insertionCurve()[i], 0f);
        }
        assertEquals(1 + 50 + 50, passes.get()); // explanation, deletions 1..50, insertions 0..49
    }

    @Test
    void badStepsAndCancelledTokensFailTheFrame() {
        float[] map = ramp();
        ExecutionException bad = assertThrows(ExecutionException.class, () -> meter.measure(model, ones(),
                List.of(new FaithfulnessMeter.Target(0, map)), 257, new CancellationToken(), n -> { }, n -> { })
                .get(30, TimeUnit.SECONDS));
        assertEquals(ErrorCode.INVALID_ARGUMENT, ((ScoreCamException) bad.getCause()).code());
        CancellationToken token = new CancellationToken();
        token.cancel();
        ExecutionException cancelled = assertThrows(ExecutionException.class, () -> meter.measure(model, ones(),
                List.of(new FaithfulnessMeter.Target(0, map)), 4, token, n -> { }, n -> { }).get(30, TimeUnit.SECONDS));
        assertInstanceOf(ScoreCamException.class, cancelled.getCause());
        assertEquals(ErrorCode.CANCELLED, ((ScoreCamException) cancelled.getCause()).code());
        assertEquals(0, model.images.get());
    }
}
