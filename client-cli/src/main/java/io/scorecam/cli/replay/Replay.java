package io.scorecam.cli.replay;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.cli.output.FrameOutput;
import io.scorecam.cli.source.FrameFeed;

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
    private final FrameFeed feed;
    private final int loops;
    private final Pacing pacing;
    private final int streams;
    private final long idleTimeoutMillis;
    private volatile long dropped;
    private int reconnects;
    private java.io.PrintWriter notices;

    public Replay(ManagedChannel channel, ExplainRequest template, FrameFeed feed, int loops, Pacing pacing, int streams,
                  long idleTimeoutMillis) {
        this.channel = channel;
        this.template = template;
        this.feed = feed;
        this.loops = loops;
        this.pacing = pacing;
        this.streams = streams;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /** Each stream replaces a call that ends UNAVAILABLE up to {@code n} times, telling {@code notices}. */
    public Replay reconnects(int n, java.io.PrintWriter notices) {
        this.reconnects = n;
        this.notices = notices;
        return this;
    }

    /** Frames all streams will send, or -1 when the source does not say in advance. */
    public long totalFrames() {
        long perPass = feed.framesPerPass();
        return perPass < 0 ? -1 : perPass * loops * streams;
    }

    /**
     * Runs every stream to the end.
     *
     * @param output where to write results (null: nothing is written)
     * @param also   told about every answer after the output (e.g. --out-video), or null
     * @throws RuntimeException the first stream failure (a gRPC status or the output's I/O problem)
     */
    public ReplayStats.Snapshot run(FrameOutput output, Progress progress, AnswerListener also)
            throws InterruptedException {
        ReplayStats stats = new ReplayStats();
        ExplainServiceGrpc.ExplainServiceStub stub = ExplainServiceGrpc.newStub(channel);
        boolean many = streams > 1 || loops > 1;
        AnswerListener listener = (stream, loop, frame, response, latency) -> {
            if (output != null) {
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("stream", stream + 1);
                record.put("loop", loop + 1);
                record.put("file", frame.fileName());
                if (frame.ptsSeconds() > 0 || frame.pixels() != null) {
                    record.put("pts", Math.round(frame.ptsSeconds() * 1e6) / 1e6);
                }
                output.write(many ? "stream-" + (stream + 1) + "/loop-" + (loop + 1) : "", frame.stem(),
                        frame.bytes(), frame.pixels(), record, response, latency / 1e6);
            }
            if (also != null) {
                also.answered(stream, loop, frame, response, latency);
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
                StreamReplayer replayer = new StreamReplayer(stub, template, feed, loops, pacing, s, stats, listener,
                        idleTimeoutMillis, reconnects, notices);
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
        dropped = stats.droppedBeforeSending();
        return stats.snapshot();
    }

    /** After {@link #run}: live frames the source replaced before they could be sent. */
    public long droppedBeforeSending() {
        return dropped;
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
