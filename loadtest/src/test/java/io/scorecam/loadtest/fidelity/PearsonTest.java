package io.scorecam.loadtest.fidelity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PearsonTest {
    @Test
    void knownVectors() {
        float[] x = {1, 2, 3, 4, 5};
        assertEquals(1.0, Pearson.of(x, new float[]{2, 4, 6, 8, 10}), 1e-12, "a positive linear map");
        assertEquals(1.0, Pearson.of(x, new float[]{-3, -1, 1, 3, 5}), 1e-12, "scale and offset do not matter");
        assertEquals(-1.0, Pearson.of(x, new float[]{5, 4, 3, 2, 1}), 1e-12);
        // by hand: deviations (-2,-1,0,1,2) and (-1.2,0.8,-0.2,1.8,-1.2): sum of products 2.4+(-0.8)+0+1.8-2.4 = 1.0,
        // squares 10 and 1.44+0.64+0.04+3.24+1.44 = 6.8 -> r = 1 / sqrt(68)
        assertEquals(1 / Math.sqrt(68), Pearson.of(x, new float[]{1, 3, 2, 4, 1}), 1e-7);
        assertEquals(0.0, Pearson.of(new float[]{1, -1, 1, -1}, new float[]{1, 1, -1, -1}), 1e-12, "orthogonal");
    }

    @Test
    void aConstantMapHasNoCorrelation() {
        assertTrue(Double.isNaN(Pearson.of(new float[]{0, 0, 0}, new float[]{1, 2, 3})));
        assertTrue(Double.isNaN(Pearson.of(new float[]{1, 2, 3}, new float[]{7, 7, 7})));
    }

    @Test
    void mapsOfDifferentSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Pearson.of(new float[3], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> Pearson.of(new float[0], new float[0]));
    }
}
