package io.scorecam.server.inference.ort;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.onnxruntime.engine.OrtNDArray;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.LongTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Direct native-order inputs reach ORT without a copy; heap ones are copied once. */
class DirectInputTest {

    @Test
    void directBuffersAreSharedHeapBuffersAreCopied() {
        new DjlOrtBackend(BackendOptions.defaults()).close(); // loads the engine with its properties set
        try (Model model = Model.newInstance("direct-input", Device.cpu(), "OnnxRuntime");
             NDManager call = model.getNDManager().newSubManager()) {
            FloatTensor direct = FloatTensor.allocate(2, 3);
            NDArray shared = DjlOrtSession.toNd(call, direct);
            direct.data().put(4, 42f); // written after the ORT tensor was made
            assertEquals(42f, ((OrtNDArray) shared).getTensor().getFloatBuffer().get(4));

            float[] values = new float[6];
            FloatTensor heap = FloatTensor.wrap(values, 2, 3);
            NDArray copied = DjlOrtSession.toNd(call, heap);
            values[4] = 42f;
            assertEquals(0f, ((OrtNDArray) copied).getTensor().getFloatBuffer().get(4));

            LongTensor index = LongTensor.allocate(3);
            NDArray longs = DjlOrtSession.toNd(call, index);
            index.data().put(1, 7L);
            assertEquals(7L, ((OrtNDArray) longs).getTensor().getLongBuffer().get(1));
        }
    }
}
