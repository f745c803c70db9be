package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.cli.source.FrameFeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code scorecam replay SOURCE}: a folder, video file, camera or network stream explained over ExplainStream. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Streams SOURCE over ExplainStream as a video and prints a summary; with --out writes "
                + "overlays, maps and results.jsonl, with --out-video an overlay video. SOURCE is a folder of "
                + "JPEG/PNG frames (sorted by name), a video file (MP4, AVI, MKV, WebM, ...), a V4L2 camera "
                + "(/dev/video0), a named pipe, a network stream (rtsp://..., http://... MJPEG) or an FFmpeg "
                + "test source (lavfi:testsrc2=size=640x480:rate=30).")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Folder, video file, camera, pipe or URL.")
    String source;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ExplainOptions explain;

    @Mixin
    SourceOptions sourceOptions;

    @Mixin
    OutputOptions outputOptions;

    @Option(names = "--loop", paramLabel = "N", description = "Replay the folder N times (default: ${DEFAULT-VALUE}).")
    int loops = 1;

    @Option(names = "--streams", paramLabel = "N", description = "N concurrent streams, each replaying the folder (default: ${DEFAULT-VALUE}).")
    int streams = 1;

    @Option(names = "--policy", paramLabel = "POLICY",
            description = "BLOCK (server slows the sender) or LATEST (server answers stale frames SKIPPED) "
                    + "(default: LATEST for cameras and streams, BLOCK otherwise).")
    String policy;

    @Option(names = "--out", paramLabel = "DIR", description = "Write per frame an overlay JPEG per class and a results.jsonl line here.")
    Path out;

    @Option(names = "--save-maps", description = "With --out: also the float32 maps as .npy files (numpy.load reads them).")
    boolean saveMaps;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Give up when the server answers nothing for this long with frames in flight (default: ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds = 600;

    @Option(names = "--reconnect", arity = "0..1", fallbackValue = "5", paramLabel = "N",
            description = "When a stream ends UNAVAILABLE (its server died or is draining), open a new one (another "
                    + "replica with a balanced --server) and resume from the first unanswered frame, up to N times "
                    + "(5 when given alone; default: ${DEFAULT-VALUE}).")
    int reconnect = 0;

    @Option(names = "--progress", negatable = true, description = "Progress bar on stderr (default: when run in a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        checkRanges();
        sourceOptions.checkRanges();
        outputOptions.check();
        ExplainRequest.Builder request = explain.template();
        connection.check();
        if (policy != null) {
            SourceOptions.policy(policy, null); // a bad value is a usage error before any source is opened
        }
        PrintWriter stdout = spec.commandLine().getOut();
        FrameFeed feed = sourceOptions.feed(source, spec.commandLine().getErr());
        if (feed.live() && (loops > 1 || streams > 1)) {
            throw new CliException("--loop and --streams need a file or folder; " + feed.describe() + " is live",
                    CliException.USAGE);
        }
        if (outputOptions.video != null && streams > 1) {
            throw new CliException("--out-video needs a single stream (--streams 1)", CliException.USAGE);
        }
        ExplainRequest template = request.setPolicy(SourceOptions.policy(policy, feed)).build();
        ManagedChannel channel = connection.open();
        try {
            ReplayExecution.run(stdout, channel, connection.server(), template,
                    new ReplayExecution.Plan(feed, sourceOptions.pacing(feed), loops, streams,
                            TimeUnit.SECONDS.toMillis(idleTimeoutSeconds), reconnect),
                    new ReplayExecution.Outputs(out, saveMaps, outputOptions, sourceOptions.videoFps(feed)),
                    progress != null ? progress : ReplayExecution.interactive());
        } finally {
            channel.shutdownNow();
            awaitQuietly(channel);
        }
        if (out != null) {
            stdout.println("results: " + out.toAbsolutePath().normalize().resolve("results.jsonl")
                    + ", summary: " + out.toAbsolutePath().normalize().resolve(io.scorecam.cli.replay.SummaryJson.FILE));
        }
        return 0;
    }

    private void checkRanges() {
        if (loops < 1) {
            throw new CliException("--loop must be >= 1, got " + loops, CliException.USAGE);
        }
        if (streams < 1 || streams > 1024) {
            throw new CliException("--streams must be 1..1024, got " + streams, CliException.USAGE);
        }
        if (reconnect < 0 || reconnect > 1000) {
            throw new CliException("--reconnect must be 0..1000, got " + reconnect, CliException.USAGE);
        }
        if (idleTimeoutSeconds < 1) {
            throw new CliException("--idle-timeout must be >= 1, got " + idleTimeoutSeconds, CliException.USAGE);
        }
        if (saveMaps && out == null) {
            throw new CliException("--save-maps needs --out DIR", CliException.USAGE);
        }
    }

    static void awaitQuietly(ManagedChannel channel) {
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
