package io.scorecam.server.inference.ort;

import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.TensorInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real int8 MobileNetV2 from ../shared; skipped when that folder is absent. */
class MobileNetSessionTest {

    @Test
    void constantImageHasAStableTopClass() throws Exception {
        Path file = Fixtures.sharedMobileNet();
        assumeTrue(file != null, "shared MobileNetV2 model not present");
        try (DjlOrtBackend backend = new DjlOrtBackend(BackendOptions.defaults());
             InferenceSession session = backend.open(Files.readAllBytes(file), "mobilenetv2")) {
            TensorInfo input = session.inputs().get(0);
            String output = session.outputs().get(0).name();
            long[] shape = input.shape().clone();
            shape[0] = 1;
            FloatTensor gray = FloatTensor.allocate(shape);
            for (int i = 0; i < gray.data().capacity(); i++) {
                gray.data().put(i, 0.25f); // the same value everywhere: a flat, slightly bright image
            }
            FloatTensor first = session.run(Map.of(input.name(), gray), List.of(output)).get(output);
            FloatTensor second = session.run(Map.of(input.name(), gray), List.of(output)).get(output);
            assertArrayEquals(new long[] {1, 1000}, first.shape());
            assertArrayEquals(first.toArray(), second.toArray(), 0f);

            // the same image twice in one batch: each row gives the same top class as the single run
            long[] pairShape = shape.clone();
            pairShape[0] = 2;
            FloatTensor pair = FloatTensor.allocate(pairShape);
            float[] one = gray.toArray();
            pair.data().put(one).put(one).flip();
            float[] rows = session.run(Map.of(input.name(), pair), List.of(output)).get(output).toArray();
            int top = argmax(first.toArray(), 0, 1000);
            assertEquals(top, argmax(rows, 0, 1000));
            assertEquals(top, argmax(rows, 1000, 1000));
        }
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
