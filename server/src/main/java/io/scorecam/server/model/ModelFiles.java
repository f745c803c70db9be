package io.scorecam.server.model;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a model directory holds, for the repository poller: a cheap {@link Signature} (name, size and
 * modification time of every file: a copy in progress changes it from one scan to the next) and the
 * {@link #contentHash} of the files' bytes (the version ListModels reports; a touched but identical file
 * is no new version).
 */
public final class ModelFiles {
    private static final int HASH_HEX = 12;

    private ModelFiles() {
    }

    /** Size and modification time of each regular file directly in the directory, by name. */
    public record Signature(Map<String, List<Long>> files) {
        public Signature {
            files = Map.copyOf(files);
        }
    }

    /** The directory's signature; an empty one when it cannot be listed (it is being removed). */
    public static Signature signature(Path dir) {
        Map<String, List<Long>> files = new TreeMap<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : children.toList()) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        files.put(p.getFileName().toString(), List.of(a.size(), a.lastModifiedTime().toMillis()));
                    }
                } catch (IOException gone) {
                    // removed between the listing and the look: the next scan sees the directory as it is then
                }
            }
        } catch (IOException e) {
            return new Signature(Map.of());
        }
        return new Signature(files);
    }

    /**
     * The first 12 hex digits of SHA-256 over the names and bytes of the directory's files (hidden ones, such
     * as a copy tool's temporary files, left out).
     */
    public static String contentHash(Path dir) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : children.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                sha.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, dir + ": cannot read the model's files: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, HASH_HEX);
    }
}
