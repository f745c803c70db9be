package io.scorecam.loadtest;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.OverloadPolicy;
import io.scorecam.loadtest.fidelity.FidelityReport;
import io.scorecam.loadtest.fidelity.FidelityRow;
import io.scorecam.loadtest.fidelity.FidelityRun;
import io.scorecam.loadtest.fidelity.GroundTruthBoxes;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fidelity part of {@code bench} for one model of a running server: frames/s of each method (taken from
 * the benchmark's own phases when it measured them, else measured here with the same closed-loop probe, one
 * class per frame, PNG maps), then {@link FidelityRun} on the frames, then the table and FIDELITY lines.
 */
public final class FidelityBench {
    /** How the frames/s of a method not measured by the benchmark are measured. */
    public record Throughput(int streams, int window, double warmupSeconds, double seconds) {
    }

    private FidelityBench() {
    }

    /**
     * @param methods   exact and the fast methods, in report order
     * @param knownFps  frames/s the benchmark already measured, by method
     * @param probe     measures the others (null: they stay n/a)
     * @return the rows printed
     */
    public static List<FidelityRow> run(ManagedChannel channel, ThroughputProbe probe, String model, Path framesDir,
                                        List<Method> methods, FidelityRun.Settings settings,
                                        Map<Method, Double> knownFps, Throughput throughput, PrintStream out)
            throws Exception {
        List<Path> frames = FidelityRun.pickFrames(framesDir, settings.frames());
        GroundTruthBoxes boxes = GroundTruthBoxes.find(framesDir);
        out.printf(Locale.ROOT, "fidelity: model=%s frames=%d of %s ground_truth=%s conventions=%s metric_steps=%s%n",
                model, frames.size(), framesDir.getFileName(), boxes == null ? "none" : GroundTruthBoxes.FILE,
                settings.conventions(), settings.metricSteps() == 0 ? "server default" : settings.metricSteps());
        Map<Method, Double> fps = new LinkedHashMap<>(knownFps);
        if (probe != null) {
            ModelInfo info = ServerModels.named(channel, model);
            FrameSource source = FrameSource.fromDirectory(framesDir, FrameSource.Encoding.RAW, true)
                    .forModelInput(info.getInputWidth(), info.getInputHeight());
            for (Method m : methods) {
                if (!fps.containsKey(m)) {
                    measure(channel, probe, model, m, source, throughput, out).ifPresent(v -> fps.put(m, v));
                }
            }
        }
        List<FidelityRow> rows = new FidelityRun(channel, model, out).run(frames, boxes,
                new ArrayList<>(methods), settings, fps);
        out.print(FidelityReport.table(rows));
        for (FidelityRow r : rows) {
            out.println(FidelityReport.line(r));
        }
        return rows;
    }

    private static java.util.Optional<Double> measure(ManagedChannel channel, ThroughputProbe probe, String model,
                                                      Method method, FrameSource source, Throughput t,
                                                      PrintStream out) throws InterruptedException {
        RequestTemplate template = new RequestTemplate(ExplainRequest.newBuilder().setModel(model).setTopK(1)
                .setMethod(method).setPolicy(OverloadPolicy.BLOCK).setWantPng(true).build(), source);
        try {
            // one frame first: a method the server rejects is reported by the fidelity run, not timed
            ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES)
                    .explain(template.request(1, 0));
        } catch (StatusRuntimeException e) {
            return java.util.Optional.empty();
        }
        ThroughputProbe.Measurement m = probe.measure(template.fresh(), t.streams(), t.window(), t.warmupSeconds(),
                t.seconds(), 2);
        out.printf(Locale.ROOT, "fidelity: model=%s method=%s frames_per_s=%.3f (%d frames in %.1f s)%n", model,
                method, m.framesPerSecond(), m.frames(), m.seconds());
        return m.frames() > 0 ? java.util.Optional.of(m.framesPerSecond()) : java.util.Optional.empty();
    }
}
