package io.scorecam.server.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** gzip inflation that stops as soon as the output passes a limit (a 1 KB bomb never becomes 1 GB). */
final class BoundedGzip {
    private BoundedGzip() {
    }

    /** The inflated data would be larger than the limit. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException(long limit) {
            super("inflates to more than " + limit + " bytes", null, false, false);
        }
    }

    /**
     * @throws TooLargeException    once more than {@code limit} bytes came out
     * @throws UncheckedIOException when the input is not gzip
     */
    static byte[] inflate(byte[] compressed, long limit) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed.length * 4, 1 << 20));
            byte[] buf = new byte[16384];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new TooLargeException(limit);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
