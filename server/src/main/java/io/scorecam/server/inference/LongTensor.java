package io.scorecam.server.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;

/** A dense row-major int64 tensor (e.g. the frame index of each masked item). */
public record LongTensor(long[] shape, LongBuffer data) implements Tensor {

    public LongTensor {
        long n = Tensor.elementCount(shape);
        if (data.remaining() != n) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " longs, buffer has " + data.remaining());
        }
    }

    public static LongTensor allocate(long... shape) {
        long n = Tensor.elementCount(shape);
        LongBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(n * Long.BYTES))
                .order(ByteOrder.nativeOrder()).asLongBuffer();
        return new LongTensor(shape, buffer);
    }
}
