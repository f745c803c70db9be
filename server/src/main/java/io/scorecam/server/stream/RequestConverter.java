package io.scorecam.server.stream;

import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDefaults;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.metrics.FrameLabels;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;

import java.util.List;

/**
 * Proto request -> engine request, with the model's request defaults (ListModels' {@code defaults}) where the
 * request leaves a field unset. Decodes the image, so it runs on a codec thread, never the event loop.
 */
final class RequestConverter {
    /** Sanity bound on top_k; a model with fewer classes makes the engine answer with the real limit. */
    private static final int MAX_TOP_K = 1000;
    /** Deletion / insertion curves longer than this cost more passes than any evaluation needs. */
    static final int MAX_METRIC_STEPS = 256;

    /** For a model the server does not serve (the engine answers NOT_FOUND): the engine's own fallbacks. */
    private static final ModelDefaults UNKNOWN_MODEL = ModelDefaults.server(0);

    private final ImageDecoder decoder;
    private final ModelCatalog catalog;

    RequestConverter(ImageDecoder decoder, ModelCatalog catalog) {
        this.decoder = decoder;
        this.catalog = catalog;
    }

    /** The frame's metric and log labels, from the request alone (no decoding: cheap, any thread). */
    FrameLabels labels(ExplainRequest r) {
        ModelDescription model = catalog.find(r.getModel());
        ModelDefaults d = defaults(model);
        String method = switch (r.getMethod()) {
            case METHOD_UNSPECIFIED -> d.method().name();
            case UNRECOGNIZED -> FrameLabels.UNKNOWN;
            default -> r.getMethod().name();
        };
        String convention = switch (r.getConvention()) {
            case CONVENTION_UNSPECIFIED -> d.convention().name();
            case UNRECOGNIZED -> FrameLabels.UNKNOWN;
            default -> r.getConvention().name();
        };
        return new FrameLabels(model == null ? FrameLabels.UNKNOWN : model.name(), method, convention);
    }

    FrameRequest convert(ExplainRequest r, CancellationToken token) {
        ModelDefaults d = defaults(catalog.find(r.getModel()));
        RgbImage image = image(r);
        List<Integer> classes = List.copyOf(r.getTargetClassesList());
        if (r.getTopK() > MAX_TOP_K) {
            throw ScoreCamException.invalid("top_k " + r.getTopK() + " is above the limit of " + MAX_TOP_K);
        }
        int topK = r.getTopK() > 0 ? r.getTopK() : d.topK();
        if (Integer.compareUnsigned(r.getMetricSteps(), MAX_METRIC_STEPS) > 0) {
            throw ScoreCamException.invalid("metric_steps " + Integer.toUnsignedString(r.getMetricSteps())
                    + " is above the limit of " + MAX_METRIC_STEPS);
        }
        // uint32 on the wire: a value above 2^31 reads as negative here, which the engine names as out of range
        return new FrameRequest(r.getModel(), image, classes, topK, method(r, d), convention(r, d),
                r.getMaxChannels() > 0 ? r.getMaxChannels() : d.maxChannels(), mapSize(r), token,
                r.getWantMetrics(), r.getMetricSteps(), r.getSsSamples(), r.getSsSigma(), r.getIsSteps());
    }

    private static ModelDefaults defaults(ModelDescription model) {
        return model == null || model.defaults() == null ? UNKNOWN_MODEL : model.defaults();
    }

    private RgbImage image(ExplainRequest r) {
        switch (r.getImageCase()) {
            case ENCODED:
                return decoder.decode(r.getEncoded().toByteArray());
            case RAW:
                RawImage raw = r.getRaw();
                return decoder.fromRaw(clamp(raw.getWidth()), clamp(raw.getHeight()), rawFormat(raw),
                        raw.getPixels().toByteArray());
            default:
                throw ScoreCamException.invalid("request has no image: set 'encoded' (JPEG/PNG bytes) or 'raw'");
        }
    }

    /** uint32 arrives as a signed int; anything above 2^31-1 is far beyond every pixel limit anyway. */
    private static int clamp(int unsigned) {
        return unsigned < 0 ? Integer.MAX_VALUE : unsigned;
    }

    private static ImageDecoder.RawFormat rawFormat(RawImage raw) {
        return switch (raw.getFormat()) {
            case RGB8 -> ImageDecoder.RawFormat.RGB8;
            case BGR8 -> ImageDecoder.RawFormat.BGR8;
            case GRAY8 -> ImageDecoder.RawFormat.GRAY8;
            default -> throw ScoreCamException.invalid("raw.format must be RGB8, BGR8 or GRAY8, got "
                    + describe(raw.getFormatValue(), raw.getFormat().name()));
        };
    }

    /** Unspecified means the model's default; any other value must be a method the server registers. */
    private static Method method(ExplainRequest r, ModelDefaults d) {
        if (r.getMethod() == Method.METHOD_UNSPECIFIED) {
            return d.method();
        }
        if (Methods.find(r.getMethod()) == null) {
            throw ScoreCamException.invalid("unknown method " + r.getMethodValue() + ": use one of "
                    + Methods.names());
        }
        return r.getMethod();
    }

    private static Convention convention(ExplainRequest r, ModelDefaults d) {
        return switch (r.getConvention()) {
            case CONVENTION_UNSPECIFIED -> d.convention();
            case SEED -> Convention.SEED;
            case OFFICIAL -> Convention.OFFICIAL;
            case GRAD_CAM_LIB -> Convention.GRAD_CAM_LIB;
            default -> throw ScoreCamException.invalid("unknown convention " + r.getConventionValue()
                    + ": use SEED, OFFICIAL or GRAD_CAM_LIB");
        };
    }

    private static MapSize mapSize(ExplainRequest r) {
        return switch (r.getMapSize()) {
            case MAP_SIZE_UNSPECIFIED, MODEL_INPUT -> MapSize.MODEL_INPUT;
            case ORIGINAL -> MapSize.ORIGINAL;
            case LAYER -> MapSize.LAYER;
            default -> throw ScoreCamException.invalid("unknown map_size " + r.getMapSizeValue()
                    + ": use MODEL_INPUT, ORIGINAL or LAYER");
        };
    }

    private static String describe(int value, String name) {
        return "UNRECOGNIZED".equals(name) ? "value " + value : name;
    }
}
