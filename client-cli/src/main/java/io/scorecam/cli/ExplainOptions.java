package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import com.google.protobuf.ProtocolMessageEnum;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What to explain and how: the per-request fields shared by replay, explain and demo. */
public final class ExplainOptions {
    @Option(names = "--model", paramLabel = "NAME", description = "Model name (default: the server's default model).")
    String model = "";

    @Option(names = "--classes", paramLabel = "ID[,ID...]", split = ",",
            description = "Classes to explain, e.g. 3,7 (default: the --top-k predicted classes).")
    List<Integer> classes = List.of();

    @Option(names = "--top-k", paramLabel = "K", description = "Explain the K best predicted classes (default: ${DEFAULT-VALUE}).")
    int topK = 1;

    @Option(names = "--method", paramLabel = "METHOD", completionCandidates = Methods.Names.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String method = "SCORE_CAM";

    @Option(names = "--max-channels", paramLabel = "N",
            description = "FASTER_SCORE_CAM: channels to score (default: the server's).")
    int maxChannels;

    @Option(names = "--ss-samples", paramLabel = "N",
            description = "SS_CAM: noisy masks per channel, 1..256 (default: the server's, 35).")
    int ssSamples;

    @Option(names = "--ss-sigma", paramLabel = "SIGMA",
            description = "SS_CAM: standard deviation of the noise on the normalised mask, > 0 (default: the server's, 2.0).")
    float ssSigma;

    @Option(names = "--is-steps", paramLabel = "N",
            description = "IS_CAM: integration steps per channel, 1..256 (default: the server's, 10).")
    int isSteps;

    @Option(names = "--convention", paramLabel = "NAME",
            description = "SEED, OFFICIAL or GRAD_CAM_LIB (default: ${DEFAULT-VALUE}).")
    String convention = "SEED";

    @Option(names = "--map-size", paramLabel = "SIZE",
            description = "MODEL_INPUT, ORIGINAL or LAYER (default: ${DEFAULT-VALUE}).")
    String mapSize = "MODEL_INPUT";

    @Option(names = "--metrics",
            description = "Faithfulness of every map (Average Drop, Increase in Confidence, deletion/insertion AUC); "
                    + "costs 2 x steps + 1 extra forward passes per map.")
    boolean metrics;

    @Option(names = "--metric-steps", paramLabel = "N",
            description = "With --metrics: deletion/insertion steps, 1..256 (default: the server's, 32).")
    int metricSteps;

    /** A request with every option set but the image and frame id; checks the values first. */
    public ExplainRequest.Builder template() {
        if (topK < 1 || topK > 1000) {
            throw usage("--top-k must be 1..1000, got " + topK);
        }
        if (maxChannels < 0) {
            throw usage("--max-channels must be >= 0, got " + maxChannels);
        }
        if (ssSamples < 0 || ssSamples > 256) {
            throw usage("--ss-samples must be 1..256, got " + ssSamples);
        }
        if (!(ssSigma >= 0) || Float.isInfinite(ssSigma)) {
            throw usage("--ss-sigma must be a finite value > 0, got " + ssSigma);
        }
        if (isSteps < 0 || isSteps > 256) {
            throw usage("--is-steps must be 1..256, got " + isSteps);
        }
        if (metricSteps < 0 || metricSteps > 256) {
            throw usage("--metric-steps must be 1..256, got " + metricSteps);
        }
        if (metricSteps > 0 && !metrics) {
            throw usage("--metric-steps needs --metrics");
        }
        ExplainRequest.Builder b = ExplainRequest.newBuilder()
                .setModel(model == null ? "" : model)
                .setTopK(topK)
                .setMethod(parse("--method", method, Methods.ids().toArray(Method[]::new), Method::valueOf))
                .setConvention(parse("--convention", convention, Convention.values(), Convention::valueOf))
                .setMapSize(parse("--map-size", mapSize, MapSize.values(), MapSize::valueOf))
                .setMaxChannels(maxChannels)
                .setSsSamples(ssSamples)
                .setSsSigma(ssSigma)
                .setIsSteps(isSteps)
                .setWantValues(true)
                .setWantMetrics(metrics)
                .setMetricSteps(metricSteps);
        for (Integer c : classes) {
            if (c == null || c < 0) {
                throw usage("--classes takes class ids >= 0, got " + c);
            }
            b.addTargetClasses(c);
        }
        return b;
    }

    /** Proto enums also hold *_UNSPECIFIED and UNRECOGNIZED: accept only the real choices, in any case. */
    static <E extends Enum<E> & ProtocolMessageEnum> E parse(String flag, String value, E[] all,
                                                            java.util.function.Function<String, E> valueOf) {
        List<E> choices = Arrays.stream(all)
                .filter(e -> !e.name().endsWith("UNSPECIFIED") && !"UNRECOGNIZED".equals(e.name()))
                .toList();
        String wanted = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : choices) {
            if (e.name().equals(wanted)) {
                return valueOf.apply(wanted);
            }
        }
        throw usage(flag + " '" + value + "' is not one of "
                + choices.stream().map(Enum::name).collect(Collectors.joining(", ")));
    }

    private static CliException usage(String message) {
        return new CliException(message, CliException.USAGE);
    }
}
