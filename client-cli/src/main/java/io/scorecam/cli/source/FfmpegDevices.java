package io.scorecam.cli.source;

import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.javacpp.Loader;

import java.util.Optional;

/**
 * FFmpeg's device library (libavdevice: the {@code lavfi} generators and V4L2 cameras). JavaCV's bundled build
 * links PulseAudio's client library, which a bare machine may lack; FFmpegFrameGrabber then goes on without
 * the devices and fails later with "Could not find input format", which does not say what is missing.
 */
public final class FfmpegDevices {
    private static final Optional<String> MISSING = load();

    private FfmpegDevices() {
    }

    /** Why lavfi and camera sources cannot open on this machine, or empty when they can. */
    public static Optional<String> missing() {
        return MISSING;
    }

    private static Optional<String> load() {
        try {
            Loader.load(avdevice.class);
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            return Optional.of("FFmpeg's device library (lavfi, V4L2 cameras) did not load: " + e.getMessage()
                    + " (it needs PulseAudio's client library: on Debian or Ubuntu apt-get install libpulse0)");
        }
    }
}
