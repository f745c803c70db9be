package io.scorecam.server.engine.method;

import io.scorecam.api.v1.Method;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one registry of CAM methods, keyed by the API's {@link Method}: the engine, the request converter,
 * ListModels, the CLI's help and the benchmark all read it. A method is one class and one line here.
 */
public final class Methods {
    /** A registered method and the one-line summary the CLI's help and the docs show. */
    public record Entry(Method id, SaliencyMethod method, String summary) { }

    private static final Map<Method, Entry> ALL = new EnumMap<>(Method.class);

    static {
        register(Method.SCORE_CAM, new ScoreCam(), "exact Score-CAM, K+1 forward passes per frame");
        register(Method.FASTER_SCORE_CAM, new FasterScoreCam(), "Score-CAM on the max_channels most varied channels");
        register(Method.RECIPRO_CAM, new ReciproCam(), "Recipro-CAM, 1 + h*w passes of the model's head");
        register(Method.EIGEN_CAM, new EigenCam(), "first principal component of the activations, 1 pass");
        register(Method.SS_CAM, new SmoothScoreCam(), "Smoothed Score-CAM, K*ss_samples+1 passes");
        register(Method.IS_CAM, new IntegratedScoreCam(), "Integrated Score-CAM, K*is_steps+1 passes");
    }

    private Methods() {
    }

    private static void register(Method id, SaliencyMethod method, String summary) {
        if (ALL.putIfAbsent(id, new Entry(id, method, summary)) != null) {
            throw new IllegalStateException(id + " registered twice");
        }
    }

    /** The method registered for an API id, or null. */
    public static Entry find(Method id) {
        return id == null ? null : ALL.get(id);
    }

    /** Every registered method, in API order. */
    public static List<Entry> all() {
        return List.copyOf(ALL.values());
    }

    /** Every registered method's id, in API order. */
    public static List<Method> ids() {
        return List.copyOf(Collections.unmodifiableSet(ALL.keySet()));
    }

    /** The registered methods' names, e.g. as picocli's completionCandidates for a --method option. */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ALL.keySet().stream().map(Enum::name).iterator();
        }
    }

    /** "SCORE_CAM, FASTER_SCORE_CAM, ..." for help texts and errors. */
    public static String names() {
        return ALL.keySet().stream().map(Enum::name).collect(Collectors.joining(", "));
    }
}
