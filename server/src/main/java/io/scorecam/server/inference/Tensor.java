package io.scorecam.server.inference;

/** A tensor handed to or returned by an {@link InferenceSession}; backend types (ORT, DJL) never leak past it. */
public sealed interface Tensor permits FloatTensor, LongTensor {
    long[] shape();

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in a concrete tensor shape");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
