package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.cli.source.Frame;
import io.scorecam.cli.replay.FrameSource;
import io.scorecam.cli.replay.Pacing;
import io.scorecam.cli.source.FolderFeed;
import io.scorecam.cli.source.FrameEncoding;
import io.scorecam.cli.source.FrameFeed;
import io.scorecam.cli.source.Selection;
import io.scorecam.cli.source.SourceSpec;
import io.scorecam.cli.source.VideoFeed;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Which frames of a source go out and when: the source flags shared by replay and demo. */
public final class SourceOptions {
    @Option(names = "--fps", paramLabel = "N",
            description = "Send at N frames per second (overrides --realtime); 0 = as fast as backpressure allows (default: ${DEFAULT-VALUE}).")
    double fps = 0;

    @Option(names = "--realtime",
            description = "Send a video file at its own frame rate (cameras and streams are real time by nature).")
    boolean realtime;

    @Option(names = "--start", paramLabel = "SECONDS", description = "Start this far into a video file (default: 0).")
    double start;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this much of the source (video time for files, wall time for live sources; default: all).")
    double duration;

    @Option(names = "--every", paramLabel = "N", description = "Send every N-th frame of the source (default: ${DEFAULT-VALUE}).")
    int every = 1;

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N frames (default: all).")
    int limit;

    @Option(names = "--send", paramLabel = "FORMAT",
            description = "How decoded video frames travel: JPEG (re-encoded, quality 0.9) or RAW (RGB8 pixels) (default: ${DEFAULT-VALUE}, measured faster end to end).")
    String send = "JPEG";

    @Option(names = "--open-timeout", paramLabel = "SECONDS",
            description = "How long a camera or network stream may take to open or answer (default: ${DEFAULT-VALUE}).")
    long openTimeoutSeconds = 10;

    void checkRanges() {
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw usage("--fps must be >= 0, got " + fps);
        }
        if (!(start >= 0) || Double.isInfinite(start)) {
            throw usage("--start must be >= 0 seconds, got " + start);
        }
        if (!(duration >= 0) || Double.isInfinite(duration)) {
            throw usage("--duration must be >= 0 seconds, got " + duration);
        }
        if (every < 1) {
            throw usage("--every must be >= 1, got " + every);
        }
        if (limit < 0) {
            throw usage("--limit must be >= 0, got " + limit);
        }
        if (openTimeoutSeconds < 1) {
            throw usage("--open-timeout must be >= 1, got " + openTimeoutSeconds);
        }
    }

    FrameEncoding encoding() {
        String s = send.strip().toUpperCase(java.util.Locale.ROOT);
        try {
            return FrameEncoding.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw usage("--send '" + send + "' is not one of RAW, JPEG");
        }
    }

    /** The frames of {@code source}, checked: a bad source fails here with one line, before any output exists. */
    FrameFeed feed(String source, PrintWriter warnings) {
        checkRanges();
        SourceSpec spec = SourceSpec.parse(source);
        if (spec.folder()) {
            if (start > 0 || duration > 0) {
                throw usage("--start and --duration need a video source; " + spec.describe() + " is a folder of images");
            }
            if (realtime && fps == 0) {
                throw usage("--realtime: a folder of images has no frame rate of its own; give --fps N");
            }
            List<Frame> read = FrameSource.read(FrameSource.list(java.nio.file.Path.of(spec.location())), 0, warnings);
            List<Frame> kept = new ArrayList<>();
            for (int i = 0; i < read.size() && (limit == 0 || kept.size() < limit); i += every) {
                Frame f = read.get(i);
                kept.add(new Frame(kept.size(), f.fileName(), f.stem(), f.bytes(), f.encoded()));
            }
            return new FolderFeed(spec.describe(), kept, fps);
        }
        VideoFeed feed = new VideoFeed(spec, new Selection(start, duration, every, limit), encoding(),
                TimeUnit.SECONDS.toMillis(openTimeoutSeconds));
        feed.check();
        return feed;
    }

    /** Live sources are paced by their clock; files by --fps or --realtime. */
    Pacing pacing(FrameFeed feed) {
        if (fps > 0) {
            return new Pacing(fps, false);
        }
        return new Pacing(0, realtime && !feed.live());
    }

    /** --policy when given, else LATEST for a live source (newest frame wins) and BLOCK for the rest. */
    static OverloadPolicy policy(String given, FrameFeed feed) {
        if (given == null) {
            return feed.live() ? OverloadPolicy.LATEST : OverloadPolicy.BLOCK;
        }
        return ExplainOptions.parse("--policy", given, OverloadPolicy.values(), OverloadPolicy::valueOf);
    }

    /** Frames per second of an --out-video: --fps, else the source's, else 10. */
    double videoFps(FrameFeed feed) {
        return fps > 0 ? fps : feed.frameRate() > 0 ? feed.frameRate() : 10;
    }

    private static CliException usage(String message) {
        return new CliException(message, CliException.USAGE);
    }
}
