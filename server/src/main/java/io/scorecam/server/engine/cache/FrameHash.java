package io.scorecam.server.engine.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Content hash of a preprocessed frame (SHA-256, first 128 bits). Hashing the model's input tensor
 * rather than the upload covers the preprocessing too, and costs the same whatever the camera resolution.
 */
public record FrameHash(long high, long low) {

    public static FrameHash of(float[] tensor) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tensor.length; ) {
            chunk.clear();
            int n = Math.min(tensor.length - i, chunk.capacity() / 4);
            chunk.asFloatBuffer().put(tensor, i, n);
            sha.update(chunk.array(), 0, n * 4);
            i += n;
        }
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        return new FrameHash(digest.getLong(), digest.getLong());
    }
}
