package io.scorecam.server.engine.faithfulness;

import io.scorecam.server.batching.BatchKind;
import io.scorecam.server.batching.BatchScheduler;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.engine.faithfulness.ProbeImages.Probe;
import io.scorecam.server.errors.ScoreCamException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * Plans and assembles the faithfulness metrics of a frame's maps; the images are scored through the shared
 * {@link BatchScheduler} like every other pass. Definitions (exact where the papers are exact):
 * <ul>
 * <li>Score: the class's softmax probability from the model (the model's output when it already outputs
 *     probabilities). Y is the score on the frame, taken from the feature pass (no extra pass).</li>
 * <li>Images live in the model's input space: the preprocessed [3,H,W] tensor, as pytorch-grad-cam's metrics
 *     and RISE's code do. The map is the class's finished map at model input resolution, values in [0,1].</li>
 * <li>Average Drop / Increase in Confidence (Chattopadhay et al. 2018, Grad-CAM++): O is the score on the
 *     input multiplied by the map (the same factor for the 3 channels); drop = max(0, Y - O) / Y.</li>
 * <li>Deletion / insertion (Petsiuk et al. 2018, RISE's CausalMetric): n steps (0: {@value #DEFAULT_STEPS}),
 *     step = ceil(H*W / n) pixels, pixels in {@link PixelOrder}; curve point i (0..n) is the score after
 *     min(i * step, H*W) pixels changed. Deletion starts from the input and sets pixels to the substrate 0
 *     (all channels); insertion starts from the {@link io.scorecam.server.image.RiseBlur RISE blur} and copies
 *     pixels from the input. Deletion's point 0 and insertion's full image are the input itself (= Y, no
 *     pass). AUC is {@link Faithfulness#auc}.</li>
 * </ul>
 * Cost: 2n + 1 passes for the first class of a frame; each further class with another map costs 2n - 1
 * (the all-zero and the blurred image do not depend on the map); classes sharing one map share all probes.
 */
public final class FaithfulnessMeter {
    public static final int DEFAULT_STEPS = 32;
    public static final int MAX_STEPS = 256;

    private final BatchScheduler scheduler;

    public FaithfulnessMeter(BatchScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** A class to measure and its map at model input resolution (row-major H x W). */
    public record Target(int classId, float[] map) { }

    /** The frame the maps explain: its preprocessed input [3,H,W] and class probabilities on it. */
    public record Frame(float[] input, float[] probs, int height, int width) { }

    /**
     * Measures every target's map on the frame; one result per target, in order. Fails with
     * INVALID_ARGUMENT for steps outside 0..{@value #MAX_STEPS}, and like the scheduler when the token fires.
     *
     * @param pass       the batch kind that scores probe images (class probabilities per image)
     * @param passes     learns how many forward passes were queued
     * @param queueNanos learns how long they waited in the queue
     */
    public CompletableFuture<List<Faithfulness>> measure(BatchKind<ProbeImage, float[]> pass, Frame frame, List<Target> targets,
                                                         int steps, CancellationToken token, IntConsumer passes,
                                                         LongConsumer queueNanos) {
        Plan plan;
        try {
            plan = plan(frame, targets, steps);
        } catch (ScoreCamException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<ProbeImage> items = new ArrayList<>(plan.probes.keySet());
        passes.accept(items.size());
        return scheduler.submit(pass, items, token, queueNanos)
                .thenApply(results -> assemble(frame, targets, plan, results));
    }

    /** steps as asked (0 means the default), checked. */
    public static int steps(int requested) {
        if (requested < 0 || requested > MAX_STEPS) {
            throw ScoreCamException.invalid("metric steps " + requested + " is outside 0.." + MAX_STEPS);
        }
        return requested == 0 ? DEFAULT_STEPS : requested;
    }

    /** Probes to run (merged when equal) and, per target, which probe each value comes from (-1: Y). */
    private record Plan(Map<Probe, Integer> probes, int[] explanation, int[][] deletion, int[][] insertion) { }

    private static Plan plan(Frame frame, List<Target> targets, int requestedSteps) {
        int n = steps(requestedSteps);
        ProbeImages images = new ProbeImages(frame.input(), 3, frame.height(), frame.width());
        int pixels = images.pixels();
        int step = (pixels + n - 1) / n;
        Map<Probe, Integer> probes = new LinkedHashMap<>();
        List<float[]> maps = new ArrayList<>();
        List<PixelOrder> orders = new ArrayList<>();
        int t = targets.size();
        int[] explanation = new int[t];
        int[][] deletion = new int[t][n + 1];
        int[][] insertion = new int[t][n + 1];
        for (int i = 0; i < t; i++) {
            Target target = targets.get(i);
            if (target.classId() < 0 || target.classId() >= frame.probs().length) {
                throw ScoreCamException.invalid("class id " + target.classId() + " is out of range 0.."
                        + (frame.probs().length - 1));
            }
            if (target.map().length != pixels) {
                throw ScoreCamException.invalid("map of class " + target.classId() + " has "
                        + target.map().length + " values, the model input " + pixels + " pixels");
            }
            int m = distinct(maps, target.map());
            if (m == orders.size()) {
                orders.add(PixelOrder.of(maps.get(m)));
            }
            float[] map = maps.get(m);
            PixelOrder order = orders.get(m);
            explanation[i] = index(probes, images.explanation(map));
            for (int s = 0; s <= n; s++) {
                int changed = (int) Math.min((long) s * step, pixels);
                deletion[i][s] = changed == 0 ? -1 : index(probes, images.deletion(order, changed));
                insertion[i][s] = changed == pixels ? -1 : index(probes, images.insertion(order, changed));
            }
        }
        return new Plan(probes, explanation, deletion, insertion);
    }

    /** The index of the first map equal to this one (maps equal in content share their probes). */
    private static int distinct(List<float[]> maps, float[] map) {
        for (int m = 0; m < maps.size(); m++) {
            if (Arrays.equals(maps.get(m), map)) {
                return m;
            }
        }
        maps.add(map);
        return maps.size() - 1;
    }

    private static int index(Map<Probe, Integer> probes, Probe probe) {
        return probes.computeIfAbsent(probe, p -> probes.size());
    }

    private static List<Faithfulness> assemble(Frame frame, List<Target> targets, Plan plan, List<float[]> results) {
        List<Faithfulness> out = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            int c = targets.get(i).classId();
            float y = frame.probs()[c];
            float o = score(results, plan.explanation[i], c, y);
            float[] del = new float[plan.deletion[i].length];
            float[] ins = new float[plan.insertion[i].length];
            for (int s = 0; s < del.length; s++) {
                del[s] = score(results, plan.deletion[i][s], c, y);
                ins[s] = score(results, plan.insertion[i][s], c, y);
            }
            out.add(new Faithfulness(y, o, del, ins));
        }
        return out;
    }

    private static float score(List<float[]> results, int probe, int classId, float y) {
        return probe < 0 ? y : results.get(probe)[classId];
    }
}
