package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What a replay writes besides its summary: --out-video and how overlays look. Shared by replay and demo. */
public final class OutputOptions {
    @Option(names = "--out-video", paramLabel = "FILE",
            description = "Encode the overlays (first class of each frame) into a video at the source's frame rate: .mp4 (H.264), .mkv, .webm (VP8) or .avi (MJPEG).")
    Path video;

    @Option(names = "--side-by-side", description = "With --out-video: the original frame left of its overlay.")
    boolean sideBySide;

    @Option(names = "--legend", description = "Draw a JET colour bar (0 to 1) beside every overlay.")
    boolean legend;

    void check() {
        if (sideBySide && video == null) {
            throw new CliException("--side-by-side needs --out-video FILE", CliException.USAGE);
        }
    }
}
