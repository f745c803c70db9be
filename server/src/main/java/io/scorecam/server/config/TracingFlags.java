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

    /** Checks every value; called by {@link ServerConfig}'s validation. */
    void validate() {
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

    public double sampleRatio() {
        return sampleRatio;
    }

    public String serviceName() {
        return serviceName.strip();
    }
}
