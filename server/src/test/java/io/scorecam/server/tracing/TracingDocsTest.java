package io.scorecam.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/tracing.md names every span and attribute the server emits (read from FrameSpan, not listed here). */
class TracingDocsTest {
    @Test
    void everyAttributeAndStepIsDocumented() throws Exception {
        String docs = Files.readString(Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("docs/tracing.md"));
        int keys = 0;
        for (Field f : FrameSpan.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == AttributeKey.class) {
                String key = ((AttributeKey<?>) f.get(null)).getKey();
                assertTrue(docs.contains("`" + key + "`") || docs.contains("`" + key + "`="),
                        key + " is not documented in docs/tracing.md");
                keys++;
            }
        }
        assertTrue(keys >= 20, "attributes seen: " + keys);
        for (String step : List.of("scorecam.frame", "queue", "decode", "preprocess", "feature_pass", "scoring",
                "combine", "faithfulness", "encode")) {
            assertTrue(docs.contains(step), step + " is not documented");
        }
    }
}
