package io.scorecam.server.engine;

import io.scorecam.server.engine.api.Faithfulness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The arithmetic of Average Drop, Increase in Confidence and RISE's auc on hand-made curves. */
class FaithfulnessTest {

    @Test
    void aucIsTheTrapezoidOverEqualSteps() {
        // RISE: (sum(arr[:-1]) + sum(arr[1:])) / 2 / (len(arr) - 1)
        assertEquals((1 + 0.5) / 2, Faithfulness.auc(new float[] {1f, 0.5f}), 1e-7);
        assertEquals(((1 + 0.5 + 0.25) + (0.5 + 0.25 + 0)) / 2 / 3,
                Faithfulness.auc(new float[] {1f, 0.5f, 0.25f, 0f}), 1e-7);
        assertEquals(0.7f, Faithfulness.auc(new float[] {0.7f, 0.7f, 0.7f, 0.7f, 0.7f}), 1e-7);
        float[] ramp = new float[33];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i / 32f;
        }
        assertEquals(0.5f, Faithfulness.auc(ramp), 1e-7);
    }

    @Test
    void dropIsClippedAtZeroAndRelativeToY() {
        Faithfulness lower = new Faithfulness(0.8f, 0.2f, new float[] {0.8f, 0f}, new float[] {0f, 0.8f});
        assertEquals(0.75f, lower.drop(), 1e-6);
        assertFalse(lower.increase());
        assertEquals(0.4f, lower.deletionAuc(), 1e-6);
        assertEquals(0.4f, lower.insertionAuc(), 1e-6);
        Faithfulness higher = new Faithfulness(0.5f, 0.6f, new float[] {0.5f}, new float[] {0.5f});
        assertEquals(0f, higher.drop());
        assertTrue(higher.increase());
        Faithfulness same = new Faithfulness(0.5f, 0.5f, new float[0], new float[0]);
        assertEquals(0f, same.drop());
        assertFalse(same.increase());
    }
}
