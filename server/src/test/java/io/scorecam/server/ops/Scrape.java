package io.scorecam.server.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** TEST ONLY: one scrape of a Prometheus text endpoint, parsed into series (name, labels, value). */
final class Scrape {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Series(String name, Map<String, String> labels, double value) {
    }

    final String body;
    final List<Series> series = new ArrayList<>();

    Scrape(String body) {
        this.body = body;
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
    }

    static Scrape get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return new Scrape(r.body());
    }

    /** The series of a name whose labels include the given ones (k1, v1, k2, v2, ...). */
    List<Series> find(String name, String... labels) {
        List<Series> out = new ArrayList<>();
        for (Series s : series) {
            if (!s.name.equals(name)) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) {
                match &= labels[i + 1].equals(s.labels.get(labels[i]));
            }
            if (match) {
                out.add(s);
            }
        }
        return out;
    }

    /** The sum over {@link #find}; 0 when none matches. */
    double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Series::value).sum();
    }

    /** The one series that matches; fails when none or several do. */
    double value(String name, String... labels) {
        List<Series> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one series " + name + " " + List.of(labels) + ", found " + found
                    + "\n" + body);
        }
        return found.get(0).value;
    }
}
