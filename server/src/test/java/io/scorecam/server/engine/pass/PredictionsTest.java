package io.scorecam.server.engine.pass;

import io.scorecam.server.engine.api.ClassProbability;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Top-k: the same classes, in the same order, as sorting every class would give. */
class PredictionsTest {

    /** The definition: all classes sorted by probability, ties by lower class id, the first k. */
    private static List<ClassProbability> sorted(float[] p, int k) {
        List<ClassProbability> all = new ArrayList<>();
        IntStream.range(0, p.length).forEach(i -> all.add(new ClassProbability(i, p[i])));
        all.sort(Comparator.comparing((ClassProbability c) -> c.probability(), (a, b) -> a.floatValue() != b.floatValue()
                ? Float.compare(b, a) : 0).thenComparingInt(ClassProbability::classId));
        return all.subList(0, Math.min(k, p.length));
    }

    @Test
    void matchesAFullSortOnRandomAndTiedScores() {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(1200);
            float[] p = new float[n];
            for (int i = 0; i < n; i++) {
                // every third trial has many ties (quantised scores), like an int8 model's outputs
                p[i] = trial % 3 == 0 ? r.nextInt(8) / 8f : r.nextFloat();
            }
            for (int k : new int[] {0, 1, 5, 32, n, n + 3}) {
                assertEquals(sorted(p, k), Predictions.top(p, k), "n=" + n + " k=" + k + " trial " + trial);
            }
        }
    }

    @Test
    void tiesGoToTheLowerClassIdAndNanRanksFirstAsBefore() {
        float[] p = {0.2f, 0.5f, 0.5f, Float.NaN, 0.1f, 0.5f};
        List<ClassProbability> top = Predictions.top(p, 4);
        assertEquals(List.of(3, 1, 2, 5), top.stream().map(ClassProbability::classId).toList());
        assertEquals(sorted(p, 6), Predictions.top(p, 6));
    }
}
