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
import io.scorecam.server.errors.ErrorCode;
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
    private final Limits limits;

    /**
     * Per-request caps.
     *
     * @param maxClasses       most maps one frame may ask for (target_classes entries, top_k) (--max-classes)
     * @param maxResponseBytes most bytes the maps of one response may hold (--max-response-bytes)
     */
    record Limits(int maxClasses, long maxResponseBytes) {
        static final Limits DEFAULT = new Limits(MAX_TOP_K, Long.MAX_VALUE);
    }

    RequestConverter(ImageDecoder decoder, ModelCatalog catalog) {
        this(decoder, catalog, Limits.DEFAULT);
    }

    RequestConverter(ImageDecoder decoder, ModelCatalog catalog, Limits limits) {
        this.decoder = decoder;
        this.catalog = catalog;
        this.limits = limits;
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

    /**
     * Checks the per-request caps and estimates the bytes the frame takes while it is worked on (decoded
     * pixels + maps + the built response), from the request and the image header only: runs before the
     * decode, so the frame can wait for memory instead of taking it.
     */
    long plan(ExplainRequest r, ModelDescription model) {
        int classes = r.getTargetClassesCount();
        if (classes > limits.maxClasses()) {
            throw ScoreCamException.invalid("target_classes has " + classes + " entries, more than the server's"
                    + " limit of " + limits.maxClasses() + " per request (--max-classes)");
        }
        if (Integer.compareUnsigned(r.getTopK(), limits.maxClasses()) > 0) {
            throw ScoreCamException.invalid("top_k " + Integer.toUnsignedString(r.getTopK()) + " is above the"
                    + " server's limit of " + limits.maxClasses() + " (--max-classes)");
        }
        long[] size = imageSize(r);
        long pixels = size[0] * size[1];
        long maps = classes > 0 ? classes : r.getTopK() > 0 ? r.getTopK() : Math.max(1, defaults(model).topK());
        // an unknown model costs no map: the engine answers NOT_FOUND
        long mapPixels = switch (r.getMapSize()) {
            case ORIGINAL -> pixels;
            case LAYER -> model == null ? 0 : (long) model.layerWidth() * model.layerHeight();
            default -> model == null ? 0 : (long) model.inputWidth() * model.inputHeight();
        };
        boolean values = r.getWantValues() || (!r.getWantPng() && !r.getWantOverlay());
        // per map pixel: the engine's float map (4), the values list and their encoding (8), PNG (<= 2),
        // the overlay's RGB work image and JPEG (<= 8)
        long perPixel = 4 + (values ? 8 : 0) + (r.getWantPng() ? 2 : 0) + (r.getWantOverlay() ? 8 : 0);
        long response = maps * mapPixels * perPixel;
        if (response > limits.maxResponseBytes()) {
            throw ScoreCamException.invalid("the response would hold ~" + response + " bytes (" + maps + " map(s) of "
                    + mapPixels + " pixels), more than the server's limit of " + limits.maxResponseBytes()
                    + " bytes (--max-response-bytes): ask for fewer classes, a smaller map_size or PNG maps");
        }
        // decoding: the JDK's decoded image (<= 4 bytes per pixel) and the RGB copy (3)
        long decode = pixels * (r.getImageCase() == ExplainRequest.ImageCase.ENCODED ? 7 : 3);
        return decode + response;
    }

    /** Width and height (unsigned) from the raw message or the encoded image's header. */
    private long[] imageSize(ExplainRequest r) {
        switch (r.getImageCase()) {
            case ENCODED:
                int[] d = decoder.dimensions(r.getEncoded().toByteArray());
                return new long[]{d[0], d[1]};
            case RAW:
                long w = Integer.toUnsignedLong(r.getRaw().getWidth());
                long h = Integer.toUnsignedLong(r.getRaw().getHeight());
                if (w > 0 && h > 0 && (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE || w * h > decoder.maxPixels())) {
                    // w * h of two uint32 fits in an unsigned long; print it unsigned
                    throw new ScoreCamException(ErrorCode.RESOURCE_EXHAUSTED, "raw image is " + w + "x" + h + " = "
                            + Long.toUnsignedString(w * h) + " pixels, more than the limit of " + decoder.maxPixels()
                            + " (--max-pixels): send a smaller frame");
                }
                return new long[]{w, h};
            default:
                throw ScoreCamException.invalid("request has no image: set 'encoded' (JPEG/PNG bytes) or 'raw'");
        }
    }

    /** @param model the version of the model the frame runs on (its request defaults) */
    FrameRequest convert(ExplainRequest r, ModelDescription model, CancellationToken token) {
        ModelDefaults d = defaults(model);
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
                        raw.getPixels().asReadOnlyByteBuffer());
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
