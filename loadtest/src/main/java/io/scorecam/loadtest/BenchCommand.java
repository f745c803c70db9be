package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.loadtest.fidelity.FidelityRun;
import io.scorecam.server.bench.RawOrtThroughput;
import io.scorecam.server.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench}: how close the whole server comes to the physical limit of exact Score-CAM. In one JVM and
 * one run: (a) raw ORT images/s of the plain model at the server's batch size and threads, (b) frames/s
 * end to end through a real server over loopback, (c) 5 classes vs 1 and a repeated frame, (d) the same
 * for every other method the server accepts. Ends with one RESULT line per model and method, then (e) the
 * fidelity report of each method against exact Score-CAM (computed in {@code fidelity/}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Efficiency benchmark: raw ORT vs Score-CAM through a real in-process server.",
                "Then the fidelity report: each method vs exact Score-CAM (Pearson, pointing game, Average Drop, "
                        + "Increase in Confidence, deletion/insertion AUC, frames/s)."})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--model-dir", defaultValue = "models/shapes",
            description = "a model directory (model.json + model.onnx) or a repository of them (default: ${DEFAULT-VALUE})")
    Path modelDir;
    @Option(names = "--frames", description = "frames to send (default: <model-dir>/frames when it exists, else noise)")
    Path framesDir;
    @Option(names = "--seconds", defaultValue = "20", description = "measuring window of each phase (default: ${DEFAULT-VALUE})")
    double seconds;
    @Option(names = "--warmup", defaultValue = "3", description = "warm-up seconds before each phase (default: ${DEFAULT-VALUE})")
    double warmup;
    @Option(names = "--warmup-max", defaultValue = "90",
            description = "after --warmup, keep warming up until the JIT compilers are quiet (see --jit-quiet), at most "
                    + "this many seconds; 0: fixed warm-up (default: ${DEFAULT-VALUE})")
    double warmupMax;
    @Option(names = "--jit-quiet", defaultValue = "0.003",
            description = "JIT compile time per core-second that counts as quiet, over 2-s windows (default: ${DEFAULT-VALUE})")
    double jitQuiet;
    @Option(names = "--streams", split = ",", defaultValue = "1,2,8",
            description = "stream counts to measure, each a phase of its own (default: ${DEFAULT-VALUE})")
    List<Integer> streamCounts;
    @Option(names = "--window", defaultValue = "2", description = "frames in flight per stream (default: ${DEFAULT-VALUE})")
    int window;
    @Option(names = "--methods", split = ",", completionCandidates = Methods.Names.class,
            description = "methods to try, of ${COMPLETION-CANDIDATES} (default: all)")
    List<Method> methods;
    @Option(names = "--output", defaultValue = "PNG", description = "map output requested: VALUES, PNG, OVERLAY (default: ${DEFAULT-VALUE})")
    LoadCommand.Output output;
    @Option(names = "--encoding", defaultValue = "RAW",
            description = "RAW: frames as raw RGB, each made unique; FILE: the JPEG/PNG bytes as they are, decoded by "
                    + "the server (a camera's JPEGs), with the server's frame cache turned off since files repeat "
                    + "(default: ${DEFAULT-VALUE})")
    FrameSource.Encoding encoding;
    @Option(names = "--live", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "after each method's phases, a live camera: one stream, LATEST, frames at a fixed rate "
                    + "above what the server sustains (default: ${DEFAULT-VALUE})")
    boolean live;
    @Option(names = "--live-fps", defaultValue = "0",
            description = "the live source's frames/s (default: 0 = 1.5 x the method's one-stream frames/s)")
    double liveFps;
    @Option(names = "--raw-batches", split = ",", defaultValue = "1,2,4,8,16,32",
            description = "batch sizes tried for raw ORT; the fastest is the baseline (default: ${DEFAULT-VALUE})")
    List<Integer> rawBatches;
    @Option(names = "--server-arg", description = "a flag for the in-process server, e.g. --server-arg=--batch-size=16 (repeatable)")
    List<String> serverArgs = new ArrayList<>();
    @Option(names = "--smoke", description = "everything for a moment (~1-2 s of measuring) to prove it works")
    boolean smoke;
    @Option(names = "--fidelity", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "after the throughput phases, the fidelity report of each method vs exact Score-CAM "
                    + "on the model's frames (default: ${DEFAULT-VALUE})")
    boolean fidelity;
    @Option(names = "--fidelity-frames", defaultValue = "60",
            description = "frames of the fidelity report per model, evenly spaced over the folder; 0: all "
                    + "(default: ${DEFAULT-VALUE})")
    int fidelityFrames;
    @Option(names = "--fidelity-conventions", split = ",", defaultValue = "SEED,GRAD_CAM_LIB",
            description = "conventions the fidelity report compares under (default: ${DEFAULT-VALUE})")
    List<Convention> fidelityConventions;
    @Option(names = "--metric-steps", defaultValue = "0",
            description = "deletion/insertion steps of the fidelity report's metrics (default: 0, the server's)")
    int metricSteps;
    @Option(names = "--fidelity-model", description = "one more model directory for the fidelity report only "
            + "(its own in-process server; frames/s measured there)")
    Path fidelityModel;
    @Option(names = "--fidelity-images", description = "the images for --fidelity-model (default: its frames folder); "
            + "a boxes.json there adds the pointing game")
    Path fidelityImages;

    private PrintStream out = System.out;

    BenchCommand printTo(PrintStream stream) {
        this.out = stream;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        if (smoke) {
            seconds = Math.min(seconds, 0.3);
            warmup = Math.min(warmup, 0.1);
            warmupMax = 0;
            fidelityFrames = fidelityFrames <= 0 ? 4 : Math.min(fidelityFrames, 4);
            metricSteps = metricSteps == 0 ? 4 : metricSteps;
        }
        if (metricSteps < 0 || metricSteps > 256) {
            throw new IllegalArgumentException("--metric-steps must be 0..256, got " + metricSteps);
        }
        List<String> args = new ArrayList<>();
        if (smoke) {
            args.add("--batch-size=8"); // skips batch-size tuning at load; a flag given below still wins
            args.add("--warmup-jit-max-ms=0"); // and the JIT-aware warm-up (up to 30 s)
        }
        if (encoding == FrameSource.Encoding.FILE) {
            args.add("--cache-bytes=0"); // files repeat: a cache would answer them without a pass
        }
        args.addAll(serverArgs);
        int failures = 0;
        // the numbers only mean something on a quiet machine: say how busy it was
        out.println("machine: " + machine());
        try (InProcessServer server = new InProcessServer(modelDir, args)) {
            int workers = server.config().workers();
            List<RawBaseline> raws = new ArrayList<>();
            // (a) first, while the server is idle
            for (ModelConfig m : server.models()) {
                List<Integer> candidates = smoke ? List.of(server.engine().batchSize(m.name())) : rawBatches;
                raws.add(RawBaseline.find(server.backend(), m, workers, candidates, smoke ? 0.1 : rawSeconds(), out));
            }
            ManagedChannel channel = ClientChannels.open(server.address(), null);
            try {
                ThroughputProbe probe = new ThroughputProbe(channel, server.registry(), workers,
                        new JitSettle(warmupMax, jitQuiet));
                for (int i = 0; i < server.models().size(); i++) {
                    ModelConfig m = server.models().get(i);
                    ModelInfo info = ServerModels.named(channel, m.name());
                    failures += benchModel(channel, probe, info, m, server.engine().batchSize(m.name()), raws.get(i),
                            workers);
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        if (fidelity && fidelityModel != null) {
            failures += fidelityModel(args);
        }
        out.println("machine at the end: " + machine());
        return failures == 0 ? 0 : 1;
    }

    private static String machine() {
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            load = "unknown";
        }
        return "cores=" + Runtime.getRuntime().availableProcessors() + " loadavg=" + load;
    }

    /** Raw ORT seconds per measurement: a third of a phase, 1 to 3 s. */
    private double rawSeconds() {
        return Math.max(1, Math.min(3, seconds / 3));
    }

    private int benchModel(ManagedChannel channel, ThroughputProbe probe, ModelInfo info, ModelConfig m,
                           int batch, RawBaseline raw, int workers) throws Exception {
        Path frames = framesDir != null ? framesDir : m.modelFile().getParent().resolve("frames");
        FrameSource source = (Files.isDirectory(frames)
                ? FrameSource.fromDirectory(frames, encoding, true)
                : FrameSource.noise(info.getInputWidth(), info.getInputHeight(), 16, encoding, true))
                .forModelInput(info.getInputWidth(), info.getInputHeight());
        int k = info.getChannels();
        out.printf(Locale.ROOT, "bench: model=%s K=%d layer=%s %dx%d input=%dx%d classes=%d batch=%d raw_batch=%d "
                        + "workers=%d streams=%s window=%d frames=%s output=%s%n", m.name(), k, info.getTargetLayer(),
                info.getLayerWidth(), info.getLayerHeight(), info.getInputWidth(), info.getInputHeight(),
                info.getNumClasses(), batch, raw.batch(), workers, streamCounts, window,
                Files.isDirectory(frames) ? frames.getFileName() + " (" + source.size() + " files, "
                        + (encoding == FrameSource.Encoding.RAW ? "raw, unique)" : "file bytes, cache off)") : "noise",
                output);
        ExplainRequest base = ExplainRequest.newBuilder().setModel(m.name()).setTopK(1).setPolicy(OverloadPolicy.BLOCK)
                .setWantValues(output == LoadCommand.Output.VALUES).setWantPng(output == LoadCommand.Output.PNG)
                .setWantOverlay(output == LoadCommand.Output.OVERLAY).build();
        int classes5 = Math.min(5, info.getNumClasses());
        int failures = 0;
        List<Outcome> outcomes = new ArrayList<>();
        RawOrtThroughput.Result rawNow = raw.measure();
        for (Method method : methodsToTry()) {
            RequestTemplate t = new RequestTemplate(base.toBuilder().setMethod(method).build(), source);
            String unavailable = probeMethod(channel, t.fresh());
            if (unavailable != null) {
                out.printf(Locale.ROOT, "NOT_AVAILABLE model=%s method=%s reason=\"%s\"%n", m.name(), method, unavailable);
                continue;
            }
            List<Phase> phases = new ArrayList<>();
            for (int streams : streamCounts) {
                // (b) one class, frames never seen before, so every one costs its passes; raw ORT right before
                // and after, so the efficiency compares the machine with itself at that moment
                RawOrtThroughput.Result rawBefore = rawNow;
                ThroughputProbe.Measurement one = probe.measure(t.fresh(), streams, window, warmup, seconds, 2);
                rawNow = raw.measure();
                detail(m.name(), method, "streams" + streams, one);
                profile(m.name(), method, streams, one);
                phases.add(new Phase(streams, one, (rawBefore.imagesPerSecond() + rawNow.imagesPerSecond()) / 2,
                        (rawBefore.cpuSecondsPerImage() + rawNow.cpuSecondsPerImage()) / 2));
                if (one.frames() == 0 || one.notOk() > 0) {
                    failures++;
                    out.printf(Locale.ROOT, "FAILED model=%s method=%s streams=%d answered=%d not_ok=%d first_error=%s%n",
                            m.name(), method, streams, one.frames(), one.notOk(), one.firstError());
                }
            }
            // (c) five classes at the first stream count, and a repeated frame
            RequestTemplate five = t.with(t.prototype().toBuilder().setTopK(classes5).build()).fresh();
            ThroughputProbe.Measurement many = probe.measure(five, streamCounts.get(0), window, warmup,
                    Math.max(smoke ? seconds : 1, seconds / 2), 2);
            detail(m.name(), method, "classes" + classes5, many);
            if (many.notOk() > 0) {
                failures++;
                out.printf(Locale.ROOT, "FAILED model=%s method=%s phase=classes%d not_ok=%d first_error=%s%n", m.name(),
                        method, classes5, many.notOk(), many.firstError());
            }
            int repeatPasses = repeatPasses(channel, t.fresh());
            outcomes.add(new Outcome(method, phases, many, repeatPasses));
            if (live) {
                // (d) a live camera on this method
                ThroughputProbe.Measurement oneStream = phases.stream().filter(p -> p.streams() == 1).findFirst()
                        .map(Phase::measurement).orElse(phases.get(0).measurement());
                new LivePhase(probe, out).run(m.name(), method, t, oneStream.framesPerSecond(), window, liveFps, warmup,
                        seconds);
            }
        }
        for (Outcome o : outcomes) {
            // Recipro-CAM's passes are head passes, far cheaper than full ones: the registry says so
            boolean comparable = Methods.find(o.method()) != null && Methods.find(o.method()).method().fullModelPasses();
            double ratioBase = o.phases().get(0).measurement().framesPerSecond();
            double ratio = o.many().framesPerSecond() > 0 ? ratioBase / o.many().framesPerSecond() : 0;
            for (Phase p : o.phases()) {
                ThroughputProbe.Measurement r = p.measurement();
                // what the engine ran: every batch item of the window (the frames' forward passes, also those
                // of frames still unfinished when the window closed); RECIPRO_CAM's are head passes, far
                // cheaper than full ones: no efficiency
                String efficiency = p.raw() <= 0 || !comparable ? "n/a"
                        : String.format(Locale.ROOT, "%.3f", r.passesPerSecond() / p.raw());
                out.printf(Locale.ROOT, "RESULT model=%s method=%s streams=%d K=%d raw_images_per_s=%.1f raw_batch=%d "
                                + "passes_per_s=%.1f passes_per_frame=%.1f frames_per_s=%.3f efficiency=%s p50_ms=%.1f "
                                + "p95_ms=%.1f classes5_vs_1=%.3f repeat_passes=%d efficiency_cpu=%s cpu_busy=%.2f "
                                + "jit_settle_s=%.1f%n",
                        m.name(), o.method(), p.streams(), k, p.raw(), raw.batch(), r.passesPerSecond(), r.meanPasses(),
                        r.framesPerSecond(), efficiency, r.latency().p50(), r.latency().p95(), ratio, o.repeatPasses(),
                        !comparable ? "n/a" : p.cpuEfficiency(),
                        r.cpuSeconds() / (r.seconds() * Runtime.getRuntime().availableProcessors()),
                        r.jit().elapsedSeconds());
            }
        }
        if (fidelity) {
            Map<Method, Double> fps = new EnumMap<>(Method.class);
            outcomes.forEach(o -> fps.put(o.method(), o.phases().get(0).measurement().framesPerSecond()));
            failures += fidelity(channel, null, m.name(), Files.isDirectory(frames) ? frames : null, fps);
        }
        return failures;
    }

    /** The fidelity report of one model; 1 when it failed (printed as FIDELITY_FAILED), else 0. */
    private int fidelity(ManagedChannel channel, ThroughputProbe probe, String model, Path frames,
                         Map<Method, Double> fps) {
        if (frames == null) {
            out.printf(Locale.ROOT, "FIDELITY_SKIPPED model=%s reason=\"no frames folder: noise says nothing about maps\"%n",
                    model);
            return 0;
        }
        try {
            FidelityBench.run(channel, probe, model, frames, List.copyOf(methodsToTry()),
                    new FidelityRun.Settings(fidelityConventions, fidelityFrames, metricSteps), fps,
                    new FidelityBench.Throughput(streamCounts.get(0), window, warmup, seconds), out);
            return 0;
        } catch (Exception e) {
            out.printf(Locale.ROOT, "FIDELITY_FAILED model=%s reason=\"%s\"%n", model, e);
            return 1;
        }
    }

    /** --fidelity-model: its own in-process server (same flags), frames/s measured there, then the report. */
    private int fidelityModel(List<String> args) throws Exception {
        Path images = fidelityImages != null ? fidelityImages : fidelityModel.resolve("frames");
        if (!Files.isDirectory(images)) {
            throw new IllegalArgumentException("--fidelity-model " + fidelityModel + " needs --fidelity-images DIR "
                    + "(it has no frames folder)");
        }
        try (InProcessServer server = new InProcessServer(fidelityModel, args)) {
            ManagedChannel channel = ClientChannels.open(server.address(), null);
            try {
                ThroughputProbe probe = new ThroughputProbe(channel, server.registry(), server.config().workers());
                int failures = 0;
                for (ModelConfig m : server.models()) {
                    failures += fidelity(channel, probe, m.name(), images, Map.of());
                }
                return failures;
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * One stream count of one method; {@code raw} is raw ORT's images/s around it, {@code rawCpu} its process
     * CPU seconds per image.
     */
    private record Phase(int streams, ThroughputProbe.Measurement measurement, double raw, double rawCpu) {
        /**
         * Passes per CPU-second against raw images per CPU-second: what the efficiency would read if both had
         * the same share of a busy machine (the scheduler shares a loaded CPU by threads, and the server
         * phase has more runnable threads than raw ORT's callers).
         */
        String cpuEfficiency() {
            double passes = measurement.passesPerSecond() * measurement.seconds();
            return passes <= 0 || rawCpu <= 0 || measurement.cpuSeconds() <= 0 ? "n/a"
                    : String.format(Locale.ROOT, "%.3f", rawCpu / (measurement.cpuSeconds() / passes));
        }
    }

    private record Outcome(Method method, List<Phase> phases, ThroughputProbe.Measurement many, int repeatPasses) {
    }

    private Set<Method> methodsToTry() {
        Set<Method> set = EnumSet.noneOf(Method.class);
        set.add(Method.SCORE_CAM); // first: the exact method is what the goals are about
        for (Method mt : methods != null ? methods : Methods.ids()) {
            if (mt != Method.METHOD_UNSPECIFIED && mt != Method.UNRECOGNIZED) {
                set.add(mt);
            }
        }
        if (methods != null && !methods.contains(Method.SCORE_CAM)) {
            set.remove(Method.SCORE_CAM);
        }
        return set;
    }

    /** One frame through unary Explain: null when the method works, else why not. */
    private static String probeMethod(ManagedChannel channel, RequestTemplate t) {
        try {
            ExplainResponse r = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES)
                    .explain(t.request(1, 0));
            return r.getMapsCount() > 0 ? null : "answered without a map (status " + r.getStatus() + ")";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    /** Forward passes of a frame sent a second time (0: answered from the frame cache). */
    private static int repeatPasses(ManagedChannel channel, RequestTemplate t) {
        ExplainServiceGrpc.ExplainServiceBlockingStub stub = ExplainServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.MINUTES);
        ExplainRequest frame = t.request(2, 1);
        stub.explain(frame);
        return stub.explain(frame).getForwardPasses();
    }

    /** Where a frame's time went in the server, mean ms per answered frame of the window. */
    private void profile(String model, Method method, int streams, ThroughputProbe.Measurement r) {
        if (r.stages().isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "PROFILE model=%s method=%s streams=%d",
                model, method, streams));
        r.stages().forEach((stage, ms) -> b.append(String.format(Locale.ROOT, " %s_ms=%.2f", stage, ms)));
        b.append(String.format(Locale.ROOT, " latency_p50_ms=%.1f", r.latency().p50()));
        out.println(b);
    }

    private void detail(String model, Method method, String phase, ThroughputProbe.Measurement r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "DETAIL model=%s method=%s phase=%s frames_per_s=%.3f frames=%d seconds=%.1f passes_per_frame=%.1f "
                        + "passes_per_s=%.1f frames_per_s_by_passes=%.3f warm_up=\"%s\"",
                model, method, phase, r.framesPerSecond(), r.frames(), r.seconds(), r.meanPasses(),
                r.passesPerSecond(), r.meanPasses() > 0 ? r.passesPerSecond() / r.meanPasses() : 0, r.jit().describe()));
        for (Map.Entry<String, ThroughputProbe.KindLoad> e : r.kinds().entrySet()) {
            ThroughputProbe.KindLoad l = e.getValue();
            b.append(String.format(Locale.ROOT, " | kind=%s batches=%.0f mean_batch=%.1f ort_busy=%.2f ort_items_per_s=%.1f",
                    e.getKey(), l.batches(), l.meanBatch(), l.ortBusy(), l.itemsPerOrtS()));
        }
        out.println(b);
    }
}
