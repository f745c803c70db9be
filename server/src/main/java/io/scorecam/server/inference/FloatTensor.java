package io.scorecam.server.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/** A dense row-major float32 tensor. Inputs use direct native-order buffers so ORT can read them without a copy. */
public record FloatTensor(long[] shape, FloatBuffer data) implements Tensor {

    public FloatTensor {
        long n = Tensor.elementCount(shape);
        if (data.remaining() != n) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " floats, buffer has " + data.remaining());
        }
    }

    /** A zero-filled tensor in a direct, native-order buffer. */
    public static FloatTensor allocate(long... shape) {
        long n = Tensor.elementCount(shape);
        FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(n * Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        return new FloatTensor(shape, buffer);
    }

    public static FloatTensor wrap(float[] values, long... shape) {
        return new FloatTensor(shape, FloatBuffer.wrap(values));
    }

    /** A copy of the values as a heap array. */
    public float[] toArray() {
        float[] out = new float[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}
