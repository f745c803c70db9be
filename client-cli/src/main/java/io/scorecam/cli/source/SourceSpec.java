package io.scorecam.cli.source;

import io.scorecam.cli.errors.CliException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the SOURCE argument of replay / demo --source names: a folder of images, a video file, a V4L2 camera,
 * a named pipe, a network stream (rtsp://, http:// MJPEG, ...) or an FFmpeg lavfi graph ({@code lavfi:testsrc2}).
 * Checks that a local source exists before anything is opened, so that the error names it plainly.
 */
public record SourceSpec(Kind kind, String location) {
    public enum Kind { FOLDER, FILE, CAMERA, PIPE, NETWORK, LAVFI }

    private static final String[] NETWORK_SCHEMES = {"rtsp://", "rtsps://", "rtmp://", "http://", "https://",
            "udp://", "tcp://", "srt://"};

    /** Cameras, pipes and network streams produce frames in real time: paced by nature, LATEST by default. */
    public boolean live() {
        return kind == Kind.CAMERA || kind == Kind.PIPE || kind == Kind.NETWORK || kind == Kind.LAVFI;
    }

    public boolean folder() {
        return kind == Kind.FOLDER;
    }

    /** How a person reads the source in a message: "video x.mp4", "camera /dev/video0", ... */
    public String describe() {
        return switch (kind) {
            case FOLDER -> "folder " + location;
            case FILE -> "video " + location;
            case CAMERA -> "camera " + location;
            case PIPE -> "pipe " + location;
            case NETWORK -> "stream " + location;
            case LAVFI -> "lavfi source " + location;
        };
    }

    public static SourceSpec parse(String source) {
        String s = source.strip();
        if (s.isEmpty()) {
            throw new CliException("the source is empty: give a folder, a video file, a camera (/dev/video0) or a URL",
                    CliException.USAGE);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("lavfi:")) {
            return new SourceSpec(Kind.LAVFI, s.substring("lavfi:".length()));
        }
        for (String scheme : NETWORK_SCHEMES) {
            if (lower.startsWith(scheme)) {
                return new SourceSpec(Kind.NETWORK, s);
            }
        }
        if (lower.contains("://")) {
            throw new CliException("source " + s + ": unsupported URL scheme (use rtsp://, http(s)://, rtmp://, "
                    + "udp://, tcp:// or srt://)", CliException.USAGE);
        }
        Path p = Path.of(s);
        boolean device = s.startsWith("/dev/video") || s.startsWith("/dev/v4l/");
        if (!Files.exists(p)) {
            throw new CliException(device ? "camera " + s + " does not exist (no such V4L2 device)"
                    : "source " + s + " does not exist (no such file or folder)");
        }
        if (Files.isDirectory(p)) {
            return new SourceSpec(Kind.FOLDER, s);
        }
        if (device || s.startsWith("/dev/")) {
            return new SourceSpec(Kind.CAMERA, s);
        }
        if (!Files.isRegularFile(p)) {
            return new SourceSpec(Kind.PIPE, s); // a FIFO or socket: whatever writes to it sets the pace
        }
        if (!Files.isReadable(p)) {
            throw new CliException("video " + s + " is not readable (permission denied)");
        }
        return new SourceSpec(Kind.FILE, s);
    }
}
