package io.scorecam.server.config;

import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The OpenTelemetry trace flags (a mixin of {@link ServerConfig}, which checks them). Off unless
 * --otlp-endpoint is given; each flag also reads its SCORECAM_* variable, then the standard OTEL_* one.
 */
public final class TracingFlags {
    /** OTLP over HTTP with protobuf bodies (collector port 4318). */
    public static final String HTTP_PROTOBUF = "http/protobuf";
    /** OTLP over gRPC (collector port 4317). */
    public static final String GRPC = "grpc";

    @Option(names = "--otlp-endpoint", paramLabel = "URL|off",
            defaultValue = "${env:SCORECAM_OTLP_ENDPOINT:-${env:OTEL_EXPORTER_OTLP_ENDPOINT:-off}}",
            description = "Export a trace span per frame over OTLP to this collector URL, e.g. "
                    + "http://localhost:4318 (http/protobuf; /v1/traces is added to a URL without a path) or "
                    + "http://localhost:4317 (grpc); 'off' traces nothing and starts no exporter (default: "
                    + "${DEFAULT-VALUE}; also OTEL_EXPORTER_OTLP_ENDPOINT).")
    private String endpoint;

    @Option(names = "--otlp-protocol", paramLabel = "grpc|http/protobuf",
            defaultValue = "${env:SCORECAM_OTLP_PROTOCOL:-${env:OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}}",
            description = "OTLP transport (default: ${DEFAULT-VALUE}; also OTEL_EXPORTER_OTLP_PROTOCOL).")
    private String protocol;

    @Option(names = "--trace-sample-ratio", paramLabel = "RATIO",
            defaultValue = "${env:SCORECAM_TRACE_SAMPLE_RATIO:-1.0}",
            description = "Share of frames traced, 0..1, when the client sent no trace context; a client's "
                    + "sampled/not-sampled decision (W3C traceparent) is always followed (default: ${DEFAULT-VALUE}).")
    private double sampleRatio;

    @Option(names = "--service-name", paramLabel = "NAME",
            defaultValue = "${env:SCORECAM_SERVICE_NAME:-${env:OTEL_SERVICE_NAME:-scorecam-server}}",
            description = "service.name of the exported spans (default: ${DEFAULT-VALUE}; also OTEL_SERVICE_NAME).")
    private String serviceName;

    @Option(names = "--otlp-headers", paramLabel = "K=V,...",
            defaultValue = "${env:SCORECAM_OTLP_HEADERS:-${env:OTEL_EXPORTER_OTLP_HEADERS:-}}",
            description = "Headers sent with every export, e.g. 'authorization=Bearer TOKEN' (comma-separated; "
                    + "values may be percent-encoded as in OTEL_EXPORTER_OTLP_HEADERS; never logged) (default: none).")
    private String headers;

    /** Checks every value; called by {@link ServerConfig}'s validation. */
    void validate() {
        headers();
        String p = protocol.strip().toLowerCase(Locale.ROOT);
        if (!p.equals(GRPC) && !p.equals(HTTP_PROTOBUF)) {
            throw new ConfigException("--otlp-protocol must be grpc or http/protobuf, got '" + protocol + "'");
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new ConfigException("--trace-sample-ratio must be between 0 and 1, got " + sampleRatio);
        }
        if (serviceName.isBlank()) {
            throw new ConfigException("--service-name must not be blank");
        }
        if (enabled()) {
            endpointUri();
        }
    }

    /** Whether traces are exported at all. */
    public boolean enabled() {
        return !endpoint.isBlank() && !endpoint.strip().equalsIgnoreCase("off");
    }

    /** The collector's URL as given (only when {@link #enabled()}). */
    public URI endpointUri() {
        String value = endpoint.strip();
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException("--otlp-endpoint must be an http:// or https:// URL with a host (or "
                        + "'off'), got '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("--otlp-endpoint is not a URL: '" + value + "' (" + e.getReason() + ")");
        }
    }

    /** {@link #GRPC} or {@link #HTTP_PROTOBUF}. */
    public String protocol() {
        return protocol.strip().toLowerCase(Locale.ROOT);
    }

    /** The export headers, in order (key=value pairs, values URL-decoded). */
    public java.util.Map<String, String> headers() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (headers == null || headers.isBlank()) {
            return out;
        }
        int n = 0;
        for (String entry : headers.split(",")) {
            n++;
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String key = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (key.isEmpty() || !key.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                // the value may be a secret: name the entry's position, not its text
                throw new ConfigException("--otlp-headers entry " + n + " must be KEY=VALUE with a token KEY");
            }
            try {
                // percent-decoding only: a '+' (base64 tokens) stays a '+'
                out.put(key, java.net.URLDecoder.decode(entry.substring(eq + 1).strip().replace("+", "%2B"),
                        java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--otlp-headers entry " + n + " (" + key + ") has a bad %-escape");
            }
        }
        return out;
    }

    public double sampleRatio() {
        return sampleRatio;
    }

    public String serviceName() {
        return serviceName.strip();
    }
}
