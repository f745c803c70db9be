package io.scorecam.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server's Prometheus endpoint: every sample of the text format as "name{labels}" -> value.
 * Only what the load report needs: batch sizes (per kind), ORT time and the batch-queue depth.
 */
public final class MetricsScraper {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");
    private static final Pattern KIND = Pattern.compile("kind=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;

    public MetricsScraper(String url) {
        this.uri = URI.create(url);
    }

    /** One scrape. */
    public Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Parses the Prometheus text format (comments skipped; labels kept verbatim in the key). */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (m.find()) {
                try {
                    samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
                } catch (NumberFormatException ignored) {
                    // a value Prometheus itself would reject; not ours to report
                }
            }
        }
        return samples;
    }

    /** Sum of every sample of metric {@code name} (all label sets). */
    public static double sum(Map<String, Double> samples, String name) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if (key.equals(name) || key.startsWith(name + "{")) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** Samples of metric {@code name} by their {@code kind} label. */
    public static Map<String, Double> byKind(Map<String, Double> samples, String name) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            if (e.getKey().startsWith(name + "{")) {
                Matcher m = KIND.matcher(e.getKey());
                if (m.find()) {
                    out.merge(m.group(1), e.getValue(), Double::sum);
                }
            }
        }
        return out;
    }
}
