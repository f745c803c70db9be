package io.scorecam.cli;

import io.scorecam.cli.output.NpyWriter;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyWriterTest {
    @Test
    void twoDimensionalMapsReadBackBitExact() {
        Random random = new Random(7);
        for (int[] hw : new int[][]{{1, 1}, {7, 7}, {224, 224}, {3, 50}, {0, 4}}) {
            float[] values = new float[hw[0] * hw[1]];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextFloat() * (i % 3 == 0 ? -1e6f : 1f);
            }
            byte[] bytes = NpyWriter.toBytes(values, hw);
            Npy npy = Npy.parse(bytes);
            assertArrayEquals(hw, npy.shape());
            assertArrayEquals(values, npy.values());
            String header = new String(bytes, 10, bytes.length - 10 - values.length * 4);
            assertTrue(header.contains("'shape': (" + hw[0] + ", " + hw[1] + ")"), header);
        }
    }

    @Test
    void oneDimensionalShapeIsAPythonOneTuple() {
        byte[] bytes = NpyWriter.toBytes(new float[]{1f, 2f, Float.NaN}, 3);
        String header = new String(bytes, 10, bytes.length - 10 - 12);
        assertTrue(header.contains("'shape': (3,)"), header);
        Npy npy = Npy.parse(bytes);
        assertEquals(3, npy.values().length);
        assertTrue(Float.isNaN(npy.values()[2]));
    }

    @Test
    void shapeMustMatchTheValues() {
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.toBytes(new float[5], 2, 3));
    }
}
