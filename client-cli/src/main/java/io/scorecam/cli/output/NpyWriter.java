package io.scorecam.cli.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes float32 arrays as NumPy .npy files (format version 1.0), so numpy.load reads the maps as they are.
 * Layout: magic "\x93NUMPY", version 1.0, little-endian uint16 header length, an ASCII dict padded with spaces
 * and ended by '\n' so that the data starts on a multiple of 64 bytes, then the raw little-endian values.
 */
public final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    private NpyWriter() {
    }

    /** The .npy bytes of a row-major float32 array of the given shape. */
    public static byte[] toBytes(float[] values, int... shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + List.of(shape));
            }
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + shapeText(shape) + " holds " + count
                    + " values, got " + values.length);
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
        int prefix = MAGIC.length + 2 + 2;
        int unpadded = prefix + dict.length() + 1;
        int padded = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(padded + values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    public static void write(Path file, float[] values, int... shape) throws IOException {
        Files.write(file, toBytes(values, shape));
    }

    public static void write(OutputStream out, float[] values, int... shape) throws IOException {
        out.write(toBytes(values, shape));
    }

    /** Python's tuple syntax: (7,) for one dimension, (h, w) for two. */
    private static String shapeText(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
