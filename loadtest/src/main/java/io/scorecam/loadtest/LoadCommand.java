package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.OverloadPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code load}: S streams against a running server, open or closed loop; per-frame latency and throughput. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Streams frames to a running server and measures per-frame latency.",
                "Open loop (--fps): frames leave on a fixed schedule; latency counts from the intended send time, "
                        + "so a stalled server cannot hide its stall (coordinated omission corrected).",
                "Closed loop (no --fps): each stream keeps --window frames in flight."})
public final class LoadCommand implements Callable<Integer> {
    /** What the maps are returned as. */
    public enum Output { VALUES, PNG, OVERLAY }

    @Option(names = "--server", defaultValue = "127.0.0.1:50051",
            description = "host:port; several as h1:p1,h2:p2 or dns:///name:port, balanced round_robin (default: ${DEFAULT-VALUE})")
    String server;
    @Option(names = "--metrics", description = "the server's metrics URL, e.g. http://127.0.0.1:9090/metrics")
    String metricsUrl;
    @Option(names = "--auth-token", description = "bearer token, when the server wants one")
    String authToken;
    @Option(names = "--streams", defaultValue = "1", description = "concurrent streams (default: ${DEFAULT-VALUE})")
    int streams;
    @Option(names = "--fps", description = "frames per second per stream: open loop; absent: closed loop")
    Double fps;
    @Option(names = "--window", defaultValue = "2", description = "closed loop: frames in flight per stream (default: ${DEFAULT-VALUE})")
    int window;
    @Option(names = "--duration", defaultValue = "10", description = "seconds of sending (default: ${DEFAULT-VALUE})")
    double duration;
    @Option(names = "--frame-count", description = "frames per stream instead of --duration")
    Long frameCount;
    @Option(names = "--frames", description = "directory of .png/.jpg frames (default: noise frames at the model's input size)")
    Path framesDir;
    @Option(names = "--encoding", defaultValue = "RAW", description = "RAW pixels or FILE bytes (default: ${DEFAULT-VALUE})")
    FrameSource.Encoding encoding;
    @Option(names = "--unique", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "RAW only: make every frame distinct so the server's frame cache never answers (default: ${DEFAULT-VALUE})")
    boolean unique;
    @Option(names = "--model", defaultValue = "", description = "model name (default: the server's default)")
    String model;
    @Option(names = "--method", defaultValue = "SCORE_CAM")
    Method method;
    @Option(names = "--convention", defaultValue = "SEED")
    Convention convention;
    @Option(names = "--top-k", defaultValue = "1", description = "classes explained per frame (default: ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--max-channels", defaultValue = "0", description = "FASTER_SCORE_CAM channels (0: server default)")
    int maxChannels;
    @Option(names = "--map-size", defaultValue = "MODEL_INPUT")
    MapSize mapSize;
    @Option(names = "--output", defaultValue = "PNG", description = "VALUES, PNG or OVERLAY (default: ${DEFAULT-VALUE})")
    Output output;
    @Option(names = "--faithfulness",
            description = "ask for the faithfulness metrics of every map (want_metrics; --metrics is the scrape URL): "
                    + "the report adds Average Drop, Increase in Confidence and deletion/insertion AUC")
    boolean faithfulness;
    @Option(names = "--metric-steps", defaultValue = "0",
            description = "with --faithfulness: deletion/insertion steps (default: 0, the server's)")
    int metricSteps;
    @Option(names = "--policy", defaultValue = "BLOCK", description = "BLOCK or LATEST (LATEST: dropped frames come back SKIPPED)")
    OverloadPolicy policy;
    @Option(names = "--drain-seconds", defaultValue = "60", description = "wait for the last answers (default: ${DEFAULT-VALUE})")
    double drainSeconds;
    @Option(names = "--reconnect", arity = "0..1", fallbackValue = "5", defaultValue = "0", paramLabel = "N",
            description = "replace a stream that ends UNAVAILABLE (its server died or drained) up to N times (5 when "
                    + "given alone), resuming from its first unanswered frame; frames never answered are listed as lost")
    int reconnect;
    @Option(names = "--json", description = "also write the report as JSON to this file")
    Path json;

    private PrintStream out = System.out;

    LoadCommand printTo(PrintStream stream) {
        this.out = stream;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        if (streams < 1) {
            throw new IllegalArgumentException("--streams must be at least 1, got " + streams);
        }
        if (reconnect < 0) {
            throw new IllegalArgumentException("--reconnect must be >= 0, got " + reconnect);
        }
        if (metricSteps < 0 || metricSteps > 256 || (metricSteps > 0 && !faithfulness)) {
            throw new IllegalArgumentException("--metric-steps must be 0..256 and needs --faithfulness, got " + metricSteps);
        }
        ManagedChannel channel = ClientChannels.open(server, authToken);
        try {
            ModelInfo info = modelInfo(channel);
            FrameSource frames = (framesDir != null
                    ? FrameSource.fromDirectory(framesDir, encoding, unique)
                    : FrameSource.noise(info.getInputWidth(), info.getInputHeight(), 16, encoding, unique))
                    .forModelInput(info.getInputWidth(), info.getInputHeight());
            RequestTemplate template = new RequestTemplate(prototype(info.getName()), frames);
            long durationNanos = frameCount != null ? 0 : (long) (duration * 1e9);
            long maxFrames = frameCount != null ? frameCount : 0;
            LoadRun run = new LoadRun(channel, template, streams, s -> fps != null
                    // streams are staggered over one interval so they do not all send at the same instant
                    ? StreamPlan.open(fps, durationNanos, maxFrames, (long) (s * 1e9 / fps / streams))
                    : StreamPlan.closed(window, durationNanos, maxFrames), (long) (drainSeconds * 1e9), reconnect);
            ServerSampler sampler = metricsUrl == null ? null : new ServerSampler(metricsUrl, 500);
            LoadRun.Result result = run.run(null);
            if (sampler != null) {
                sampler.close();
            }
            LoadReport report = new LoadReport(setup(info, frames), result, sampler == null ? null : sampler.view());
            out.print(report.summary());
            if (json != null) {
                report.writeJson(json);
            }
            StreamStats s = result.stats();
            return s.ok() > 0 && s.streamFailures() == 0 && s.lostIds().isEmpty() && s.duplicates() == 0 ? 0 : 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private ModelInfo modelInfo(ManagedChannel channel) {
        var models = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        for (ModelInfo m : models) {
            if (model.isEmpty() ? m.getIsDefault() : m.getName().equals(model)) {
                return m;
            }
        }
        throw new IllegalArgumentException("the server has no model '" + (model.isEmpty() ? "(default)" : model)
                + "'; it serves " + models.stream().map(ModelInfo::getName).toList());
    }

    ExplainRequest prototype(String modelName) {
        ExplainRequest.Builder b = ExplainRequest.newBuilder().setModel(modelName).setTopK(topK).setMethod(method)
                .setConvention(convention).setMaxChannels(maxChannels).setMapSize(mapSize).setPolicy(policy)
                .setWantMetrics(faithfulness).setMetricSteps(metricSteps);
        switch (output) {
            case VALUES -> b.setWantValues(true);
            case PNG -> b.setWantPng(true);
            case OVERLAY -> b.setWantOverlay(true);
        }
        return b.build();
    }

    private Map<String, Object> setup(ModelInfo info, FrameSource frames) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("server", server);
        s.put("model", info.getName());
        s.put("K", info.getChannels());
        s.put("streams", streams);
        s.put("open_loop", fps != null);
        if (fps != null) {
            s.put("fps_per_stream", fps);
        } else {
            s.put("window", window);
        }
        s.put(frameCount != null ? "frames_per_stream" : "duration_s", frameCount != null ? frameCount : duration);
        s.put("method", method.name());
        s.put("convention", convention.name());
        s.put("top_k", topK);
        s.put("output", output.name());
        s.put("policy", policy.name());
        s.put("want_metrics", faithfulness);
        if (faithfulness) {
            s.put("metric_steps", metricSteps);
        }
        s.put("encoding", frames.encoding().name());
        s.put("unique_frames", frames.unique());
        s.put("distinct_source_frames", frames.size());
        return s;
    }
}
