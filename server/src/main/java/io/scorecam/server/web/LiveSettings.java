package io.scorecam.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.Method;

import java.util.Locale;

/**
 * The viewer's choices, sent as a text message {@code {"model": "", "method": "SCORE_CAM", "convention": "SEED",
 * "topK": 1, "classes": [281]}}: turned into the request template every following frame is sent with. The page
 * only wants the overlay JPEG, not the float values.
 */
final class LiveSettings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LiveSettings() {
    }

    static ExplainRequest defaults() {
        return ExplainRequest.newBuilder().setWantOverlay(true).setTopK(1).setMapSize(MapSize.MODEL_INPUT).build();
    }

    /** @throws IllegalArgumentException naming the bad field */
    static ExplainRequest parse(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("settings are not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("settings must be a JSON object");
        }
        ExplainRequest.Builder b = defaults().toBuilder();
        b.setModel(n.path("model").asText(""));
        b.setMethod(enumValue("method", n.path("method").asText("SCORE_CAM"), Method.class));
        b.setConvention(enumValue("convention", n.path("convention").asText("SEED"), Convention.class));
        int topK = n.path("topK").asInt(1);
        if (topK < 1 || topK > 10) {
            throw new IllegalArgumentException("topK must be 1..10, got " + topK);
        }
        b.setTopK(topK);
        for (JsonNode c : n.path("classes")) {
            if (!c.canConvertToInt() || c.asInt() < 0) {
                throw new IllegalArgumentException("classes must be class ids >= 0, got " + c);
            }
            b.addTargetClasses(c.asInt());
        }
        if (b.getTargetClassesCount() > 10) {
            throw new IllegalArgumentException("at most 10 classes at a time");
        }
        return b.build();
    }

    private static <E extends Enum<E>> E enumValue(String field, String value, Class<E> type) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        try {
            E e = Enum.valueOf(type, v);
            if (!v.endsWith("UNSPECIFIED") && !"UNRECOGNIZED".equals(v)) {
                return e;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(field + " '" + value + "' is not known");
    }
}
