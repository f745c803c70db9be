package io.scorecam.server.engine.pass;

import io.scorecam.server.engine.api.ClassProbability;
import java.util.ArrayList;
import java.util.List;

/** Softmax and top-k over class scores. */
public final class Predictions {
    private Predictions() {
    }

    /** Numerically stable softmax (max subtracted), in double, returned as float. */
    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }

    /** The k most probable classes, best first (ties: lower class id first). */
    public static List<ClassProbability> top(float[] probs, int k) {
        List<ClassProbability> all = new ArrayList<>(probs.length);
        for (int i = 0; i < probs.length; i++) {
            all.add(new ClassProbability(i, probs[i]));
        }
        all.sort((a, b) -> a.probability() != b.probability()
                ? Float.compare(b.probability(), a.probability()) : Integer.compare(a.classId(), b.classId()));
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }
}
