package io.scorecam.server.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.config.LogLevel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's structured events: one JSON object per line on stdout (the human-oriented logs go to stderr),
 * so a log shipper can parse every line. Written for each failed frame and each ended call; --log-level
 * filters them like any log line. Fields: {@code ts}, {@code level}, {@code event}, then the event's own.
 */
public final class EventLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogLevel threshold;

    public EventLog(LogLevel threshold) {
        this.threshold = threshold;
    }

    public boolean enabled(LogLevel level) {
        return threshold.allows(level);
    }

    /** Writes one event line when {@code level} passes the threshold; {@code fields} keep their order. */
    public void write(LogLevel level, String event, Map<String, Object> fields) {
        if (!enabled(level)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("level", level.name());
        line.put("event", event);
        line.putAll(fields);
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"level\":\"ERROR\",\"event\":\"log_failed\",\"message\":" + JSON.getNodeFactory()
                    .textNode(String.valueOf(e.getMessage())) + "}";
        }
        // System.out is looked up per line (tests redirect it); PrintStream.println is synchronized
        System.out.println(text);
    }
}
