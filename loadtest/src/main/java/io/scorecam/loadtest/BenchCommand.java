package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.loadtest.fidelity.FidelityBench;
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
    @Option(names = "--streams", defaultValue = "2", description = "concurrent streams (default: ${DEFAULT-VALUE})")
    int streams;
    @Option(names = "--window", defaultValue = "2", description = "frames in flight per stream (default: ${DEFAULT-VALUE})")
    int window;
    @Option(names = "--methods", split = ",", completionCandidates = Methods.Names.class,
            description = "methods to try, of ${COMPLETION-CANDIDATES} (default: all)")
    List<Method> methods;
    @Option(names = "--output", defaultValue = "PNG", description = "map output requested: VALUES, PNG, OVERLAY (default: ${DEFAULT-VALUE})")
    LoadCommand.Output output;
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
        System.setProperty("ai.djl.onnx.disable_alternative", System.getProperty("ai.djl.onnx.disable_alternative", "true"));
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        if (smoke) {
            seconds = Math.min(seconds, 0.3);
            warmup = Math.min(warmup, 0.1);
            fidelityFrames = fidelityFrames <= 0 ? 4 : Math.min(fidelityFrames, 4);
            metricSteps = metricSteps == 0 ? 4 : metricSteps;
        }
        if (metricSteps < 0 || metricSteps > 256) {
            throw new IllegalArgumentException("--metric-steps must be 0..256, got " + metricSteps);
        }
        List<String> args = new ArrayList<>();
        if (smoke) {
            args.add("--batch-size=8"); // skips batch-size tuning at load; a flag given below still wins
        }
        args.addAll(serverArgs);
        int failures = 0;
        // the numbers only mean something on a quiet machine: say how busy it was
        out.println("machine: " + machine());
        try (InProcessServer server = new InProcessServer(modelDir, args)) {
            int workers = server.config().workers();
            List<double[]> raws = new ArrayList<>();
            // (a) first, while the server is idle
            for (ModelConfig m : server.models()) {
                int batch = server.engine().batchSize(m.name());
                double raw = RawOrtThroughput.imagesPerSecond(server.backend(), m, batch, workers,
                        smoke ? 0.1 : Math.max(1, warmup), seconds);
                raws.add(new double[] {batch, raw});
            }
            server.start();
            ManagedChannel channel = ClientChannels.open(server.address(), null);
            try {
                ThroughputProbe probe = new ThroughputProbe(channel, server.registry(), workers);
                List<ModelInfo> infos = ExplainServiceGrpc.newBlockingStub(channel)
                        .listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
                for (int i = 0; i < server.models().size(); i++) {
                    ModelConfig m = server.models().get(i);
                    ModelInfo info = infos.stream().filter(x -> x.getName().equals(m.name())).findFirst().orElseThrow();
                    failures += benchModel(server, channel, probe, info, m, (int) raws.get(i)[0], raws.get(i)[1], workers);
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

    private int benchModel(InProcessServer server, ManagedChannel channel, ThroughputProbe probe, ModelInfo info,
                           ModelConfig m, int batch, double rawBefore, int workers) throws Exception {
        Path frames = framesDir != null ? framesDir : m.modelFile().getParent().resolve("frames");
        FrameSource source = Files.isDirectory(frames)
                ? FrameSource.fromDirectory(frames, FrameSource.Encoding.RAW, true)
                : FrameSource.noise(info.getInputWidth(), info.getInputHeight(), 16, FrameSource.Encoding.RAW, true);
        int k = info.getChannels();
        out.printf(Locale.ROOT, "bench: model=%s K=%d layer=%s %dx%d input=%dx%d classes=%d batch=%d workers=%d "
                        + "streams=%d window=%d frames=%s output=%s%n", m.name(), k, info.getTargetLayer(),
                info.getLayerWidth(), info.getLayerHeight(), info.getInputWidth(), info.getInputHeight(),
                info.getNumClasses(), batch, workers, streams, window,
                Files.isDirectory(frames) ? frames.getFileName() + " (" + source.size() + " files, raw, unique)" : "noise",
                output);
        out.printf(Locale.ROOT, "raw ORT (plain model, batch %d, %d calling threads): %.1f images/s%n", batch, workers,
                rawBefore);
        ExplainRequest base = ExplainRequest.newBuilder().setModel(m.name()).setTopK(1).setPolicy(OverloadPolicy.BLOCK)
                .setWantValues(output == LoadCommand.Output.VALUES).setWantPng(output == LoadCommand.Output.PNG)
                .setWantOverlay(output == LoadCommand.Output.OVERLAY).build();
        int classes5 = Math.min(5, info.getNumClasses());
        int failures = 0;
        List<Outcome> outcomes = new ArrayList<>();
        for (Method method : methodsToTry()) {
            RequestTemplate t = new RequestTemplate(base.toBuilder().setMethod(method).build(), source);
            String unavailable = probeMethod(channel, t.fresh());
            if (unavailable != null) {
                out.printf(Locale.ROOT, "NOT_AVAILABLE model=%s method=%s reason=\"%s\"%n", m.name(), method, unavailable);
                continue;
            }
            // (b) one class, (c) five classes: frames never seen before, so every one costs its passes
            ThroughputProbe.Measurement one = probe.measure(t.fresh(), streams, window, warmup, seconds, 2);
            detail(m.name(), method, "classes1", one);
            RequestTemplate five = t.with(t.prototype().toBuilder().setTopK(classes5).build()).fresh();
            ThroughputProbe.Measurement many = probe.measure(five, streams, window, warmup,
                    Math.max(smoke ? seconds : 1, seconds / 2), 2);
            detail(m.name(), method, "classes" + classes5, many);
            int repeatPasses = repeatPasses(channel, t.fresh());
            if (one.frames() == 0 || one.notOk() > 0 || many.notOk() > 0) {
                failures++;
                out.printf(Locale.ROOT, "FAILED model=%s method=%s answered=%d not_ok=%d first_error=%s%n", m.name(),
                        method, one.frames(), one.notOk() + many.notOk(),
                        one.firstError() != null ? one.firstError() : many.firstError());
            }
            outcomes.add(new Outcome(method, one, many, repeatPasses));
        }
        // raw ORT again, the server idle: if the machine's speed drifted during the run, the two differ and
        // the RESULT lines use their mean
        double rawAfter = RawOrtThroughput.imagesPerSecond(server.backend(), m, batch, workers,
                smoke ? 0.1 : Math.max(1, warmup), seconds);
        double raw = (rawBefore + rawAfter) / 2;
        out.printf(Locale.ROOT, "DETAIL model=%s raw_images_per_s_before=%.1f raw_images_per_s_after=%.1f drift=%.2f%n",
                m.name(), rawBefore, rawAfter, rawBefore > 0 ? rawAfter / rawBefore : 0);
        for (Outcome o : outcomes) {
            // the passes each frame really made; a method whose passes are not whole-model passes (Recipro-CAM's
            // head passes) has no efficiency against the plain model's rate
            double passes = o.one().meanPasses();
            boolean comparable = Methods.find(o.method()) != null && Methods.find(o.method()).method().fullModelPasses();
            String efficiency = raw <= 0 || !comparable ? "n/a"
                    : String.format(Locale.ROOT, "%.3f", o.one().framesPerSecond() * passes / raw);
            double ratio = o.many().framesPerSecond() > 0 ? o.one().framesPerSecond() / o.many().framesPerSecond() : 0;
            out.printf(Locale.ROOT, "RESULT model=%s method=%s K=%d raw_images_per_s=%.1f frames_per_s=%.3f "
                            + "efficiency=%s classes5_vs_1=%.3f repeat_passes=%d%n", m.name(), o.method(), k, raw,
                    o.one().framesPerSecond(), efficiency, ratio, o.repeatPasses());
        }
        if (fidelity) {
            Map<Method, Double> fps = new EnumMap<>(Method.class);
            outcomes.forEach(o -> fps.put(o.method(), o.one().framesPerSecond()));
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
                    new FidelityBench.Throughput(streams, window, warmup, seconds), out);
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
            server.start();
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

    private record Outcome(Method method, ThroughputProbe.Measurement one, ThroughputProbe.Measurement many,
                           int repeatPasses) {
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

    private void detail(String model, Method method, String phase, ThroughputProbe.Measurement r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "DETAIL model=%s method=%s phase=%s frames_per_s=%.3f frames=%d seconds=%.1f passes_per_frame=%.1f "
                        + "passes_per_s=%.1f frames_per_s_by_passes=%.3f",
                model, method, phase, r.framesPerSecond(), r.frames(), r.seconds(), r.meanPasses(),
                r.passesPerSecond(), r.meanPasses() > 0 ? r.passesPerSecond() / r.meanPasses() : 0));
        for (Map.Entry<String, ThroughputProbe.KindLoad> e : r.kinds().entrySet()) {
            ThroughputProbe.KindLoad l = e.getValue();
            b.append(String.format(Locale.ROOT, " | kind=%s batches=%.0f mean_batch=%.1f ort_busy=%.2f ort_items_per_s=%.1f",
                    e.getKey(), l.batches(), l.meanBatch(), l.ortBusy(), l.itemsPerOrtS()));
        }
        out.println(b);
    }
}
