package io.scorecam.server.engine.faithfulness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PixelOrderTest {

    @Test
    void descendingValueThenLowerIndexFirstOnTies() {
        float[] map = {0.2f, 0.9f, 0.2f, 1f, 0f, 0.9f, 0.2f};
        PixelOrder order = PixelOrder.of(map);
        assertArrayEquals(new int[] {3, 1, 5, 0, 2, 6, 4}, order.pixels());
        assertEquals(0, order.rank(3));
        assertEquals(6, order.rank(4));
        assertEquals(map.length, order.size());
    }

    @Test
    void negativeValuesAndSignedZerosSortAsNumbers() {
        float[] map = {-0.0f, -2f, 0.0f, -1f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        assertArrayEquals(new int[] {5, 0, 2, 3, 1, 4}, PixelOrder.of(map).pixels());
    }

    @Test
    void aConstantMapKeepsIndexOrder() {
        float[] map = new float[1000];
        java.util.Arrays.fill(map, 0.5f);
        int[] pixels = PixelOrder.of(map).pixels();
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(i, pixels[i]);
        }
    }

    @Test
    void nanIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PixelOrder.of(new float[] {0f, Float.NaN}));
    }
}
