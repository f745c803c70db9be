package io.scorecam.server.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColormapTest {
    // RGB of cv2.applyColorMap(..., COLORMAP_JET) (BGR reversed), read from OpenCV 4.6
    @Test
    void matchesOpenCvAtKnownPoints() {
        assertArrayEquals(new int[] {0, 0, 128}, Colormap.jet(0));
        assertArrayEquals(new int[] {130, 255, 126}, Colormap.jet(128));
        assertArrayEquals(new int[] {128, 0, 0}, Colormap.jet(255));
        // OpenCV's float arithmetic: 1.5 on paper, 1 in the table; 0.5 rounds to 0
        assertArrayEquals(new int[] {254, 255, 1}, Colormap.jet(159));
        assertArrayEquals(new int[] {0, 0, 255}, Colormap.jet(32));
        assertArrayEquals(new int[] {2, 255, 254}, Colormap.jet(96));
    }

    @Test
    void bulkLookupAgreesWithSingleLookup() {
        byte[] values = new byte[256];
        for (int i = 0; i < 256; i++) {
            values[i] = (byte) i;
        }
        byte[] rgb = Colormap.jet(values);
        for (int i = 0; i < 256; i++) {
            int[] c = Colormap.jet(i);
            assertArrayEquals(c, new int[] {rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF});
        }
    }

    @Test
    void redRisesAndBlueFallsAcrossTheMiddle() {
        for (int i = 96; i < 160; i++) {
            assertTrue(Colormap.jet(i + 1)[0] > Colormap.jet(i)[0], "red at " + i);
            assertTrue(Colormap.jet(i + 1)[2] < Colormap.jet(i)[2], "blue at " + i);
        }
    }

    @Test
    void rejectsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Colormap.jet(256));
        assertThrows(IllegalArgumentException.class, () -> Colormap.jet(-1));
    }
}
