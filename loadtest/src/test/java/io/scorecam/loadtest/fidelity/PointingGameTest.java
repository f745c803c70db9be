package io.scorecam.loadtest.fidelity;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointingGameTest {
    private static final GroundTruthBoxes.Box LEFT = new GroundTruthBoxes.Box(1, 0, 0, 4, 8); // x 0..3 of an 8x8 frame
    private static final GroundTruthBoxes.Box RIGHT = new GroundTruthBoxes.Box(2, 4, 0, 8, 8);

    /** An 8x8 map whose only peak is at (x, y). */
    private static float[] peakAt(int w, int h, int x, int y) {
        float[] m = new float[w * h];
        for (int i = 0; i < m.length; i++) {
            m[i] = 0.1f;
        }
        m[y * w + x] = 1;
        return m;
    }

    @Test
    void theMaximumMustFallInsideABoxOfTheClass() {
        assertTrue(PointingGame.hit(peakAt(8, 8, 3, 5), 8, 8, 8, 8, List.of(LEFT)));
        assertFalse(PointingGame.hit(peakAt(8, 8, 4, 5), 8, 8, 8, 8, List.of(LEFT)), "x1 is exclusive");
        assertTrue(PointingGame.hit(peakAt(8, 8, 4, 5), 8, 8, 8, 8, List.of(RIGHT)));
        assertTrue(PointingGame.hit(peakAt(8, 8, 6, 0), 8, 8, 8, 8, List.of(LEFT, RIGHT)), "any box of the class");
        assertFalse(PointingGame.hit(peakAt(8, 8, 6, 0), 8, 8, 8, 8, List.of()));
    }

    @Test
    void aSmallerMapIsScaledToFramePixels() {
        // a 2x2 map over the 8x8 frame: cell (1,0) covers frame x 4..7, its centre is x=6
        assertTrue(PointingGame.hit(peakAt(2, 2, 1, 0), 2, 2, 8, 8, List.of(RIGHT)));
        assertFalse(PointingGame.hit(peakAt(2, 2, 1, 0), 2, 2, 8, 8, List.of(LEFT)));
        // a 16x16 map: cell 7 covers frame x 3.5..4, centre 3.75 -> left; cell 8 -> right
        assertTrue(PointingGame.hit(peakAt(16, 16, 7, 3), 16, 16, 8, 8, List.of(LEFT)));
        assertTrue(PointingGame.hit(peakAt(16, 16, 8, 3), 16, 16, 8, 8, List.of(RIGHT)));
    }

    @Test
    void tiesGoToTheFirstMaximum() {
        float[] m = new float[64];
        m[8 * 2 + 5] = 1; // (5,2): right
        m[8 * 6 + 1] = 1; // (1,6): left, later in row-major order
        assertEquals(8 * 2 + 5, PointingGame.argmax(m));
        assertTrue(PointingGame.hit(m, 8, 8, 8, 8, List.of(RIGHT)));
    }

    @Test
    void aMapOfTheWrongLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PointingGame.hit(new float[10], 8, 8, 8, 8, List.of(LEFT)));
    }
}
