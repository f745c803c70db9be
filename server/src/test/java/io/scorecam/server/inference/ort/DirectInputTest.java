package io.scorecam.server.inference.ort;

import ai.onnxruntime.OnnxTensor;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.LongTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Direct native-order inputs reach ORT without a copy; heap ones are copied once. */
class DirectInputTest {

    @Test
    void directBuffersAreSharedHeapBuffersAreCopied() throws Exception {
        new DjlOrtBackend(BackendOptions.defaults()).close(); // loads the engine with its properties set
        FloatTensor direct = FloatTensor.allocate(2, 3);
        try (OnnxTensor shared = DjlOrtSession.toOrt(direct)) {
            direct.data().put(4, 42f); // written after the ORT tensor was made
            assertEquals(42f, shared.getFloatBuffer().get(4));
        }
        float[] values = new float[6];
        FloatTensor heap = FloatTensor.wrap(values, 2, 3);
        try (OnnxTensor copied = DjlOrtSession.toOrt(heap)) {
            values[4] = 42f;
            assertEquals(0f, copied.getFloatBuffer().get(4));
        }
        LongTensor index = LongTensor.allocate(3);
        try (OnnxTensor longs = DjlOrtSession.toOrt(index)) {
            index.data().put(1, 7L);
            assertEquals(7L, longs.getLongBuffer().get(1));
        }
    }
}
