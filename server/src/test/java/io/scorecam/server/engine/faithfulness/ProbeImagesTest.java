package io.scorecam.server.engine.faithfulness;

import io.scorecam.server.image.RiseBlur;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each probe kind writes the image its definition says, pixel by pixel, in every channel. */
class ProbeImagesTest {
    private static final int H = 5;
    private static final int W = 6;

    private static float[] written(ProbeImage probe) {
        FloatBuffer buffer = FloatBuffer.allocate(3 * H * W);
        probe.writeTo(buffer);
        assertEquals(3 * H * W, buffer.position());
        return buffer.array();
    }

    @Test
    void probesAreTheInputTheMapTheZeroSubstrateAndTheBlur() {
        Random random = new Random(7);
        float[] input = new float[3 * H * W];
        float[] map = new float[H * W];
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextFloat() * 4 - 2;
        }
        for (int i = 0; i < map.length; i++) {
            map[i] = random.nextFloat();
        }
        ProbeImages images = new ProbeImages(input, 3, H, W);
        PixelOrder order = PixelOrder.of(map);
        float[] blur = RiseBlur.blur(input, 3, H, W);
        float[] explanation = written(images.explanation(map));
        float[] allDeleted = written(images.deletion(order, H * W));
        float[] noneInserted = written(images.insertion(order, 0));
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < H * W; p++) {
                int at = c * H * W + p;
                assertEquals(input[at] * map[p], explanation[at], 0f);
                assertEquals(0f, allDeleted[at], 0f);
                assertEquals(blur[at], noneInserted[at], 0f);
            }
        }
        // below and above half of the pixels the images are built from opposite ends
        for (int changed : new int[] {1, 11, 15, 16, 20, 29, 30}) {
            float[] deletion = written(images.deletion(order, changed));
            float[] insertion = written(images.insertion(order, changed));
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < H * W; p++) {
                    int at = c * H * W + p;
                    boolean first = order.rank(p) < changed;
                    assertEquals(first ? 0f : input[at], deletion[at], 0f, "deletion " + changed);
                    assertEquals(first ? input[at] : blur[at], insertion[at], 0f, "insertion " + changed);
                }
            }
        }
    }
}
