package io.scorecam.cli;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.cli.replay.Frame;
import io.scorecam.cli.replay.FrameSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code scorecam replay DIR}: a folder of frames streamed as video over ExplainStream. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Streams the JPEG/PNG images of DIR (sorted by name) over ExplainStream as a video "
                + "and prints a summary; with --out writes overlays, maps and results.jsonl.")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of .jpg/.jpeg/.png frames.")
    Path dir;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ExplainOptions explain;

    @Option(names = "--fps", description = "Frames per second per stream; 0 = as fast as backpressure allows (default: ${DEFAULT-VALUE}).")
    double fps = 0;

    @Option(names = "--loop", paramLabel = "N", description = "Replay the folder N times (default: ${DEFAULT-VALUE}).")
    int loops = 1;

    @Option(names = "--streams", paramLabel = "N", description = "N concurrent streams, each replaying the folder (default: ${DEFAULT-VALUE}).")
    int streams = 1;

    @Option(names = "--policy", paramLabel = "POLICY",
            description = "BLOCK (server slows the sender) or LATEST (server answers stale frames SKIPPED) (default: ${DEFAULT-VALUE}).")
    String policy = "BLOCK";

    @Option(names = "--out", paramLabel = "DIR", description = "Write per frame an overlay JPEG per class and a results.jsonl line here.")
    Path out;

    @Option(names = "--save-maps", description = "With --out: also the float32 maps as .npy files (numpy.load reads them).")
    boolean saveMaps;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N frames of the folder (default: all).")
    int limit;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Give up when the server answers nothing for this long with frames in flight (default: ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds = 600;

    @Option(names = "--progress", negatable = true, description = "Progress bar on stderr (default: when run in a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        checkRanges();
        ExplainRequest template = explain.template()
                .setPolicy(ExplainOptions.parse("--policy", policy, OverloadPolicy.values(), OverloadPolicy::valueOf))
                .build();
        connection.check();
        PrintWriter stdout = spec.commandLine().getOut();
        List<Frame> frames = FrameSource.read(FrameSource.list(dir), limit, spec.commandLine().getErr());
        ManagedChannel channel = connection.open();
        try {
            ReplayExecution.run(stdout, channel, connection.server(), template, frames, loops, fps, streams,
                    out, saveMaps, progress != null ? progress : ReplayExecution.interactive(),
                    TimeUnit.SECONDS.toMillis(idleTimeoutSeconds));
        } finally {
            channel.shutdownNow();
            awaitQuietly(channel);
        }
        if (out != null) {
            stdout.println("results: " + out.toAbsolutePath().normalize().resolve("results.jsonl")
                    + ", summary: " + out.toAbsolutePath().normalize().resolve(io.scorecam.cli.output.SummaryJson.FILE));
        }
        return 0;
    }

    private void checkRanges() {
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw new CliException("--fps must be >= 0, got " + fps, CliException.USAGE);
        }
        if (loops < 1) {
            throw new CliException("--loop must be >= 1, got " + loops, CliException.USAGE);
        }
        if (streams < 1 || streams > 1024) {
            throw new CliException("--streams must be 1..1024, got " + streams, CliException.USAGE);
        }
        if (idleTimeoutSeconds < 1) {
            throw new CliException("--idle-timeout must be >= 1, got " + idleTimeoutSeconds, CliException.USAGE);
        }
        if (limit < 0) {
            throw new CliException("--limit must be >= 0, got " + limit, CliException.USAGE);
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
