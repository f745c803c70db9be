package io.scorecam.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shipped ghz config uses only keys ghz reads, and the docs pass the host the way ghz takes it.
 * A misspelt key is not an error for ghz: it is silently ignored (e.g. "skip-first" left warm-up calls in).
 */
class GhzConfigKeysTest {
    /**
     * ghz v0.121.0's config-file keys: the json tags of {@code type Config struct} in runner/config.go of
     * https://github.com/bojand/ghz at tag v0.121.0 (the options are described in www/docs/options.md; the file
     * format in www/docs/example_config.md). Keys ghz reads as Go durations ("30s", "100ms") are marked.
     */
    private static final Map<String, Boolean> GHZ_V0121_KEYS = keys(
            "proto", "protoset", "call", "cacert", "cert", "key", "count-errors", "skipTLS", "skipFirst", "cname",
            "authority", "insecure", "total", "async", "concurrency", "concurrency-schedule", "concurrency-start",
            "concurrency-end", "concurrency-step", "*concurrency-step-duration", "*concurrency-max-duration",
            "connections", "rps", "*duration", "duration-stop", "*max-duration", "*timeout", "data", "data-file",
            "binary-file", "metadata", "metadata-file", "*stream-interval", "*stream-call-duration",
            "stream-call-count", "stream-dynamic-messages", "output", "format", "*connect-timeout", "*keepalive",
            "cpus", "import-paths", "name", "tags", "reflect-metadata", "debug", "host", "enable-compression",
            "load-schedule", "load-start", "load-end", "load-step", "*load-step-duration", "*load-max-duration",
            "lb-strategy", "max-recv-message-size", "max-send-message-size", "disable-template-functions",
            "disable-template-data");
    /** "--host 10.0.0.5:50051" or "--host=localhost:50051": a flag ghz does not have. */
    private static final java.util.regex.Pattern HOST_FLAG = java.util.regex.Pattern.compile("--host[= ][\\w.\\[\\]:-]+:\\d+");
    private static final String GO_DURATION = "(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+";

    @Test
    void everyShippedConfigUsesOnlyGhzKeys() throws Exception {
        List<Path> configs;
        try (Stream<Path> files = Files.list(GhzFilesTest.GHZ)) {
            configs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(configs.isEmpty(), "no ghz configs in " + GhzFilesTest.GHZ);
        ObjectMapper json = new ObjectMapper();
        for (Path config : configs) {
            JsonNode root = json.readTree(config.toFile());
            assertTrue(root.isObject(), config + " is a JSON object");
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                assertTrue(GHZ_V0121_KEYS.containsKey(key), config.getFileName() + ": \"" + key
                        + "\" is not a ghz v0.121 config key (ghz would ignore it silently)");
                if (GHZ_V0121_KEYS.get(key)) {
                    assertTrue(e.getValue().isTextual() && e.getValue().asText().matches(GO_DURATION),
                            config.getFileName() + ": \"" + key + "\" must be a Go duration string, got " + e.getValue());
                }
            }
        }
    }

    @Test
    void theDocsGiveGhzItsHostAsTheArgumentNotAsAFlag() throws Exception {
        Path root = GhzFilesTest.GHZ.resolve("../..").normalize();
        for (Path doc : List.of(root.resolve("loadtest/README.md"), root.resolve("docs/clients.md"),
                GhzFilesTest.GHZ.resolve("run-ghz.sh"))) {
            for (String line : Files.readAllLines(doc)) {
                boolean aboutGhz = line.contains("ghz") || doc.getFileName().toString().equals("run-ghz.sh");
                assertFalse(aboutGhz && HOST_FLAG.matcher(line).find(), doc.getFileName() + ": ghz has no --host flag: " + line);
            }
        }
    }

    private static Map<String, Boolean> keys(String... names) {
        Map<String, Boolean> m = new java.util.HashMap<>();
        for (String n : names) {
            m.put(n.startsWith("*") ? n.substring(1) : n, n.startsWith("*"));
        }
        return Map.copyOf(m);
    }
}
