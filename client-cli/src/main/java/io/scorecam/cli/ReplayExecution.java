package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.cli.output.FrameOutput;
import io.scorecam.cli.replay.SummaryJson;
import io.scorecam.cli.output.VideoOut;
import io.scorecam.cli.replay.Pacing;
import io.scorecam.cli.replay.Progress;
import io.scorecam.cli.replay.Replay;
import io.scorecam.cli.replay.ReplayStats;
import io.scorecam.cli.replay.SummaryTable;
import io.scorecam.cli.source.FrameFeed;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** What replay and demo share: run the streams, write the files, print the summary table (and summary.json). */
final class ReplayExecution {
    private ReplayExecution() {
    }

    /**
     * How one replay runs: the source, its pacing, how often and how many times over, and how many times a
     * stream that ends UNAVAILABLE is replaced (--reconnect).
     */
    record Plan(FrameFeed feed, Pacing pacing, int loops, int streams, long idleTimeoutMillis, int reconnects) {
        Plan(FrameFeed feed, Pacing pacing, int loops, int streams, long idleTimeoutMillis) {
            this(feed, pacing, loops, streams, idleTimeoutMillis, 0);
        }
    }

    /** Where its results go: --out (dir, may be null), --save-maps, and the video/overlay options. */
    record Outputs(Path dir, boolean saveMaps, OutputOptions video, double videoFps) {
    }

    static ReplayStats.Snapshot run(PrintWriter out, ManagedChannel channel, String server, ExplainRequest template,
                                    Plan plan, Outputs outputs, boolean progress) {
        Replay replay = new Replay(channel, template, plan.feed(), plan.loops(), plan.pacing(), plan.streams(),
                plan.idleTimeoutMillis()).reconnects(plan.reconnects(), new PrintWriter(System.err, true));
        ReplayStats.Snapshot summary;
        OutputOptions o = outputs.video();
        long videoFrames = -1;
        try (FrameOutput output = outputs.dir() == null ? null
                     : new FrameOutput(outputs.dir(), outputs.saveMaps(), template.getMethod().name(), o.legend);
             VideoOut video = o.video == null ? null : new VideoOut(o.video, outputs.videoFps(), o.sideBySide, o.legend);
             Progress bar = Progress.create(progress && replay.totalFrames() > 0, replay.totalFrames())) {
            summary = replay.run(output, bar, video == null ? null : (s, l, frame, r, latency) -> video.write(frame, r));
            if (video != null) {
                videoFrames = video.finish();
            }
        } catch (StatusRuntimeException e) {
            throw GrpcErrors.failure(e, server);
        } catch (UncheckedIOException e) {
            throw new CliException(e.getMessage());
        } catch (IOException e) {
            throw new CliException("cannot write to " + outputs.dir() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        out.print(SummaryTable.format(summary, plan.streams(), template.getWantMetrics()));
        if (outputs.dir() != null) {
            try {
                SummaryJson.write(outputs.dir(), summary, plan.streams());
            } catch (IOException e) {
                throw new CliException("cannot write " + outputs.dir().resolve(SummaryJson.FILE) + ": " + e.getMessage());
            }
        }
        if (replay.droppedBeforeSending() > 0) {
            out.println("live frames dropped before sending (a newer one was ready): " + replay.droppedBeforeSending());
        }
        if (videoFrames >= 0) {
            out.printf("video: %s (%d frames at %.3g fps)%n", o.video.toAbsolutePath().normalize(), videoFrames,
                    outputs.videoFps());
        }
        out.flush();
        return summary;
    }

    /** --progress default: a bar only when a person is watching a terminal. */
    static boolean interactive() {
        return System.console() != null;
    }
}
