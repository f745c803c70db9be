package io.scorecam.cli.replay;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.cli.output.FrameOutput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Replays frames over N concurrent streams, writes what comes back, and gathers the numbers. */
public final class Replay {
    private final ManagedChannel channel;
    private final ExplainRequest template;
    private final List<Frame> frames;
    private final int loops;
    private final double fps;
    private final int streams;
    private final long idleTimeoutMillis;

    public Replay(ManagedChannel channel, ExplainRequest template, List<Frame> frames, int loops, double fps, int streams,
                  long idleTimeoutMillis) {
        this.channel = channel;
        this.template = template;
        this.frames = frames;
        this.loops = loops;
        this.fps = fps;
        this.streams = streams;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    public long totalFrames() {
        return (long) frames.size() * loops * streams;
    }

    /**
     * Runs every stream to the end.
     *
     * @param output where to write results (null: nothing is written)
     * @throws RuntimeException the first stream failure (a gRPC status or the output's I/O problem)
     */
    public ReplayStats.Snapshot run(FrameOutput output, Progress progress) throws InterruptedException {
        ReplayStats stats = new ReplayStats();
        ExplainServiceGrpc.ExplainServiceStub stub = ExplainServiceGrpc.newStub(channel);
        boolean many = streams > 1 || loops > 1;
        AnswerListener listener = (stream, loop, frame, response, latency) -> {
            if (output != null) {
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("stream", stream + 1);
                record.put("loop", loop + 1);
                record.put("file", frame.fileName());
                output.write(many ? "stream-" + (stream + 1) + "/loop-" + (loop + 1) : "", frame.stem(),
                        frame.bytes(), record, response, latency / 1e6);
            }
            progress.step();
        };
        ExecutorService senders = Executors.newFixedThreadPool(streams, r -> {
            Thread t = new Thread(r, "scorecam-replay");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                StreamReplayer replayer = new StreamReplayer(stub, template, frames, loops, fps, s, stats, listener,
                        idleTimeoutMillis);
                running.add(senders.submit(() -> {
                    replayer.run();
                    return null;
                }));
            }
            for (Future<?> f : running) {
                await(f);
            }
        } finally {
            senders.shutdownNow();
        }
        return stats.snapshot();
    }

    private static void await(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }
}
