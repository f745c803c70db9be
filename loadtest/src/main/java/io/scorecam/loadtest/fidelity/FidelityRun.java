package io.scorecam.loadtest.fidelity;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.SaliencyMap;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Asks a server for exact Score-CAM and each fast method on the same frames and classes, and scores the fast
 * maps against exact's. The classes: on a frame with ground truth, every class boxed in it; otherwise exact's
 * top-1; the fast methods are asked for exactly the classes exact returned. Maps are compared at MODEL_INPUT
 * size; the pointing game uses ORIGINAL-size maps (the boxes are in frame pixels), asked for only on frames
 * with boxes (the server's frame cache answers most of those repeats). Every map asks for the faithfulness
 * metrics; a server that does not compute them leaves those columns n/a.
 */
public final class FidelityRun {
    /**
     * @param conventions conventions to compare under (exact and fast methods alike)
     * @param frames      at most this many frames, evenly spaced over the folder
     * @param metricSteps deletion / insertion steps (0: the server's default)
     */
    public record Settings(List<Convention> conventions, int frames, int metricSteps) {
    }

    private final ExplainServiceGrpc.ExplainServiceBlockingStub stub;
    private final String model;
    private final PrintStream out;

    public FidelityRun(ManagedChannel channel, String model, PrintStream out) {
        this.stub = ExplainServiceGrpc.newBlockingStub(channel);
        this.model = model;
        this.out = out;
    }

    /**
     * @param boxes ground truth of the frames, or null (no pointing game)
     * @param fast  the methods compared with exact (SCORE_CAM in it is ignored: it is the reference row)
     * @param fps   frames/s per method from a throughput measurement (missing: n/a)
     * @return per convention, the reference row then one per fast method the server accepts; a method it
     *         rejects is printed as a {@code FIDELITY_NOT_AVAILABLE} line instead
     */
    public List<FidelityRow> run(List<Path> frames, GroundTruthBoxes boxes, List<Method> fast, Settings settings,
                                 Map<Method, Double> fps) throws IOException {
        List<FidelityRow> rows = new ArrayList<>();
        for (Convention convention : settings.conventions()) {
            Map<Method, MethodFidelity> scores = new LinkedHashMap<>();
            scores.put(Method.SCORE_CAM, new MethodFidelity());
            for (Method m : fast) {
                if (m != Method.SCORE_CAM) {
                    scores.put(m, new MethodFidelity());
                }
            }
            for (Path frame : frames) {
                compare(frame, boxes, convention, settings.metricSteps(), scores);
            }
            scores.forEach((method, s) -> rows.add(s.row(model, method.name(), convention.name(),
                    fps.getOrDefault(method, Double.NaN))));
        }
        return rows;
    }

    private void compare(Path frame, GroundTruthBoxes boxes, Convention convention, int steps,
                         Map<Method, MethodFidelity> scores) throws IOException {
        String name = frame.getFileName().toString();
        List<GroundTruthBoxes.Box> truth = boxes == null ? List.of() : boxes.of(name);
        ExplainRequest.Builder base = ExplainRequest.newBuilder().setModel(model)
                .setEncoded(ByteString.copyFrom(Files.readAllBytes(frame))).setConvention(convention)
                .setMapSize(MapSize.MODEL_INPUT).setWantValues(true).setWantMetrics(true).setMetricSteps(steps);
        List<Integer> boxed = truth.stream().map(GroundTruthBoxes.Box::classId).distinct().toList();
        if (boxed.isEmpty()) {
            base.setTopK(1);
        } else {
            base.addAllTargetClasses(boxed);
        }
        ExplainResponse exact = call(base.setMethod(Method.SCORE_CAM));
        List<Integer> classes = exact.getMapsList().stream().map(SaliencyMap::getClassId).toList();
        base.clearTargetClasses().addAllTargetClasses(classes).setTopK(0);
        for (Map.Entry<Method, MethodFidelity> e : new ArrayList<>(scores.entrySet())) {
            Method method = e.getKey();
            ExplainResponse r;
            ExplainResponse original = null;
            try {
                r = method == Method.SCORE_CAM ? exact : call(base.setMethod(method));
                if (!truth.isEmpty()) {
                    original = call(base.clone().setMethod(method).setMapSize(MapSize.ORIGINAL).setWantMetrics(false));
                }
            } catch (StatusRuntimeException x) {
                if (method == Method.SCORE_CAM || e.getValue().maps() > 0) {
                    // no reference, no report; a method that worked on earlier frames is broken, not unavailable
                    throw new IllegalStateException(method + " failed on " + name + ": " + x.getStatus(), x);
                }
                scores.remove(method);
                out.printf(Locale.ROOT, "FIDELITY_NOT_AVAILABLE model=%s method=%s convention=%s reason=\"%s: %s\"%n",
                        model, method, convention, x.getStatus().getCode(), x.getStatus().getDescription());
                continue;
            }
            record(e.getValue(), method == Method.SCORE_CAM ? null : exact, r, original, boxes, name, classes, method);
        }
    }

    private static void record(MethodFidelity score, ExplainResponse exact, ExplainResponse r, ExplainResponse original,
                               GroundTruthBoxes boxes, String frame, List<Integer> classes, Method method) {
        check(r, classes, method, frame);
        if (original != null) {
            check(original, classes, method, frame);
        }
        for (int i = 0; i < classes.size(); i++) {
            SaliencyMap m = r.getMaps(i);
            score.addMap(m);
            if (exact != null) {
                score.addPearson(Pearson.of(values(m), values(exact.getMaps(i))));
            }
            if (original != null) {
                List<GroundTruthBoxes.Box> own = boxes.of(frame, classes.get(i));
                if (!own.isEmpty()) {
                    SaliencyMap o = original.getMaps(i);
                    score.addPointing(PointingGame.hit(values(o), o.getWidth(), o.getHeight(), boxes.width(),
                            boxes.height(), own));
                }
            }
        }
    }

    /** The answer must hold one map per asked class, in order: anything else is a server bug worth stopping for. */
    private static void check(ExplainResponse r, List<Integer> classes, Method method, String frame) {
        List<Integer> got = r.getMapsList().stream().map(SaliencyMap::getClassId).toList();
        if (!got.equals(classes)) {
            throw new IllegalStateException(method + " on " + frame + " returned maps of classes " + got
                    + " for " + classes);
        }
    }

    private ExplainResponse call(ExplainRequest.Builder request) {
        return stub.withDeadlineAfter(10, TimeUnit.MINUTES).explain(request.build());
    }

    static float[] values(SaliencyMap m) {
        float[] v = new float[m.getValuesCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = m.getValues(i);
        }
        return v;
    }

    /** At most {@code count} image files of {@code dir} (sorted by name), evenly spaced over it. */
    public static List<Path> pickFrames(Path dir, int count) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)$"))
                    .sorted().toList();
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no .png/.jpg/.jpeg frames in " + dir);
        }
        if (count <= 0 || count >= all.size()) {
            return all;
        }
        List<Path> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            picked.add(all.get((int) ((long) i * all.size() / count)));
        }
        return picked;
    }
}
