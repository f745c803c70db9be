package io.scorecam.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.cli.output.FrameOutput;
import io.scorecam.cli.output.SummaryJson;
import io.scorecam.cli.replay.Frame;
import io.scorecam.cli.replay.Progress;
import io.scorecam.cli.replay.Replay;
import io.scorecam.cli.replay.ReplayStats;
import io.scorecam.cli.replay.SummaryTable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** What replay and demo share: run the streams, write the files, print the summary table (and summary.json). */
final class ReplayExecution {
    private ReplayExecution() {
    }

    static ReplayStats.Snapshot run(PrintWriter out, ManagedChannel channel, String server, ExplainRequest template,
                                    List<Frame> frames, int loops, double fps, int streams, Path outDir,
                                    boolean saveMaps, boolean progress, long idleTimeoutMillis) {
        Replay replay = new Replay(channel, template, frames, loops, fps, streams, idleTimeoutMillis);
        ReplayStats.Snapshot summary;
        try (FrameOutput output = outDir == null ? null : new FrameOutput(outDir, saveMaps);
             Progress bar = Progress.create(progress, replay.totalFrames())) {
            summary = replay.run(output, bar);
        } catch (StatusRuntimeException e) {
            throw GrpcErrors.failure(e, server);
        } catch (UncheckedIOException e) {
            throw new CliException(e.getMessage());
        } catch (IOException e) {
            throw new CliException("cannot write to " + outDir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        out.print(SummaryTable.format(summary, streams, template.getWantMetrics()));
        if (outDir != null) {
            try {
                SummaryJson.write(outDir, summary, streams);
            } catch (IOException e) {
                throw new CliException("cannot write " + outDir.resolve(SummaryJson.FILE) + ": " + e.getMessage());
            }
        }
        out.flush();
        return summary;
    }

    /** --progress default: a bar only when a person is watching a terminal. */
    static boolean interactive() {
        return System.console() != null;
    }
}
