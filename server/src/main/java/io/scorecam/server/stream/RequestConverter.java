package io.scorecam.server.stream;

import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;

import java.util.List;

/** Proto request -> engine request. Decodes the image, so it runs on a codec thread, never the event loop. */
final class RequestConverter {
    /** Sanity bound on top_k; a model with fewer classes makes the engine answer with the real limit. */
    private static final int MAX_TOP_K = 1000;
    /** Deletion / insertion curves longer than this cost more passes than any evaluation needs. */
    static final int MAX_METRIC_STEPS = 256;

    private final ImageDecoder decoder;

    RequestConverter(ImageDecoder decoder) {
        this.decoder = decoder;
    }

    FrameRequest convert(ExplainRequest r, CancellationToken token) {
        RgbImage image = image(r);
        List<Integer> classes = List.copyOf(r.getTargetClassesList());
        if (r.getTopK() > MAX_TOP_K) {
            throw ScoreCamException.invalid("top_k " + r.getTopK() + " is above the limit of " + MAX_TOP_K);
        }
        int topK = Math.max(1, r.getTopK());
        if (Integer.compareUnsigned(r.getMetricSteps(), MAX_METRIC_STEPS) > 0) {
            throw ScoreCamException.invalid("metric_steps " + Integer.toUnsignedString(r.getMetricSteps())
                    + " is above the limit of " + MAX_METRIC_STEPS);
        }
        return new FrameRequest(r.getModel(), image, classes, topK, method(r), convention(r),
                r.getMaxChannels(), mapSize(r), token, r.getWantMetrics(), r.getMetricSteps());
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

    /** Unspecified means SCORE_CAM; any other value must be a method the server registers. */
    private static Method method(ExplainRequest r) {
        if (r.getMethod() == Method.METHOD_UNSPECIFIED) {
            return Method.SCORE_CAM;
        }
        if (Methods.find(r.getMethod()) == null) {
            throw ScoreCamException.invalid("unknown method " + r.getMethodValue() + ": use one of "
                    + Methods.names());
        }
        return r.getMethod();
    }

    private static Convention convention(ExplainRequest r) {
        return switch (r.getConvention()) {
            case CONVENTION_UNSPECIFIED, SEED -> Convention.SEED;
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
