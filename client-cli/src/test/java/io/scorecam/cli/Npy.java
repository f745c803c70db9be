package io.scorecam.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An independent .npy v1.0 reader for the tests (float32, C order only): what numpy.load would check. */
record Npy(int[] shape, float[] values) {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'<f4'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*False");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Npy read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    static Npy parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        b.get(magic);
        if (!Arrays.equals(magic, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            throw new IllegalArgumentException("bad magic");
        }
        if (b.get() != 1 || b.get() != 0) {
            throw new IllegalArgumentException("not version 1.0");
        }
        int headerLen = Short.toUnsignedInt(b.getShort());
        if ((10 + headerLen) % 64 != 0) {
            throw new IllegalArgumentException("data not 64-byte aligned: " + (10 + headerLen));
        }
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        if (!header.endsWith("\n") || !DESCR.matcher(header).find() || !FORTRAN.matcher(header).find()) {
            throw new IllegalArgumentException("unexpected header " + header);
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("no shape in " + header);
        }
        int[] shape = Arrays.stream(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        int count = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        b.position(10 + headerLen);
        if (b.remaining() != count * 4) {
            throw new IllegalArgumentException("expected " + count * 4 + " data bytes, got " + b.remaining());
        }
        float[] values = new float[count];
        b.asFloatBuffer().get(values);
        return new Npy(shape, values);
    }
}
