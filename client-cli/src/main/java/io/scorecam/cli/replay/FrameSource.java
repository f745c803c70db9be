package io.scorecam.cli.replay;

import io.scorecam.cli.source.Frame;
import com.google.protobuf.ByteString;
import io.scorecam.cli.errors.CliException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The frames of a folder: its .jpg/.jpeg/.png files sorted by name, read up front so that pacing (--fps)
 * measures the server, not the disk. A file that cannot be read or is not JPEG/PNG is skipped with a warning.
 */
public final class FrameSource {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private FrameSource() {
    }

    /** The image files of {@code dir}, sorted by name; a missing, non-folder or image-less dir is a {@link CliException}. */
    public static List<Path> list(Path dir) {
        if (!Files.exists(dir)) {
            throw new CliException("folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " is not a folder: replay takes a folder of JPEG/PNG frames");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(FrameSource::hasImageExtension)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new CliException("cannot list folder " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new CliException("folder " + dir + " holds no .jpg, .jpeg or .png file");
        }
        return files;
    }

    /** Reads {@code files} (at most {@code limit} usable ones when limit > 0), warning about each one skipped. */
    public static List<Frame> read(List<Path> files, int limit, PrintWriter warnings) {
        List<Frame> frames = new ArrayList<>();
        for (Path f : files) {
            if (limit > 0 && frames.size() >= limit) {
                break;
            }
            String name = f.getFileName().toString();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                warnings.println("scorecam: warning: skipping " + name + ": cannot read it (" + e.getMessage() + ")");
                continue;
            }
            if (!looksLikeImage(bytes)) {
                warnings.println("scorecam: warning: skipping " + name + ": not a JPEG or PNG file");
                continue;
            }
            frames.add(new Frame(frames.size(), name, stem(name), bytes, ByteString.copyFrom(bytes)));
        }
        if (frames.isEmpty()) {
            throw new CliException("none of the " + files.size() + " image files could be read");
        }
        return frames;
    }

    /** Reads single files named on the command line (explain): same checks, same warnings. */
    public static List<Frame> readFiles(List<Path> files, PrintWriter warnings) {
        for (Path f : files) {
            if (!Files.exists(f)) {
                warnings.println("scorecam: warning: skipping " + f + ": no such file");
            }
        }
        List<Path> existing = files.stream().filter(Files::exists).toList();
        if (existing.isEmpty()) {
            throw new CliException("no image to explain: none of the files given exists");
        }
        return read(existing, 0, warnings);
    }

    private static boolean hasImageExtension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    private static boolean looksLikeImage(byte[] b) {
        boolean jpeg = b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
        boolean png = b.length > PNG.length && Arrays.equals(b, 0, PNG.length, PNG, 0, PNG.length);
        return jpeg || png;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
