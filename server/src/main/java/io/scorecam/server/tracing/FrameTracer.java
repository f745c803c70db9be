package io.scorecam.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.scorecam.server.config.BuildInfo;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.TracingFlags;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server's tracer: {@link #off()} (the default: no SDK, no exporter thread, every frame gets
 * {@link FrameSpan#NONE}) or an OpenTelemetry SDK exporting over OTLP through a {@link BatchSpanProcessor}
 * (bounded queue: when the collector is slow or away spans are dropped, frames never wait).
 */
public final class FrameTracer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameTracer.class);
    private static final FrameTracer OFF = new FrameTracer(null, null);
    private static final String SCOPE = "io.scorecam.server";
    static final int QUEUE_SPANS = 8192;
    static final int EXPORT_BATCH_SPANS = 1024;

    private final Tracer tracer;
    private final SdkTracerProvider provider;

    private FrameTracer(Tracer tracer, SdkTracerProvider provider) {
        this.tracer = tracer;
        this.provider = provider;
    }

    /** Traces nothing. */
    public static FrameTracer off() {
        return OFF;
    }

    /** Traces into {@code provider} (tests: an in-memory exporter); {@link #close()} shuts it down. */
    public static FrameTracer of(SdkTracerProvider provider) {
        return new FrameTracer(provider.get(SCOPE, BuildInfo.version()), provider);
    }

    /** From the flags: {@link #off()} unless --otlp-endpoint is set. */
    public static FrameTracer from(TracingFlags flags) {
        if (!flags.enabled()) {
            return OFF;
        }
        SpanExporter exporter;
        try {
            exporter = exporter(flags.protocol(), flags.endpointUri(), flags.headers());
        } catch (RuntimeException e) { // e.g. no sender for the protocol: a start-up error naming the flags
            throw new ConfigException("--otlp-endpoint " + flags.endpointUri() + " with --otlp-protocol "
                    + flags.protocol() + ": " + e.getMessage());
        }
        LOG.info("tracing: OTLP {} to {}, sample ratio {}, service.name {}, headers {}", flags.protocol(),
                flags.endpointUri(), flags.sampleRatio(), flags.serviceName(), flags.headers().keySet());
        // a frame makes ~10 spans plus one per batch (up to 64): the SDK's default queue (2048, sent every 5 s)
        // overflows at a few hundred frames/s; 8192 spans (~8 MB at most) sent every second keeps up
        return from(flags, BatchSpanProcessor.builder(exporter).setMaxQueueSize(QUEUE_SPANS)
                .setMaxExportBatchSize(EXPORT_BATCH_SPANS).setScheduleDelay(Duration.ofSeconds(1)).build());
    }

    /** With the flags' sampler and resource, into {@code processor} (tests: an in-memory exporter). */
    public static FrameTracer from(TracingFlags flags, SpanProcessor processor) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), flags.serviceName(),
                AttributeKey.stringKey("service.version"), BuildInfo.version())));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                // a client's sampled flag wins; frames without a parent are sampled at the ratio
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(flags.sampleRatio())))
                .addSpanProcessor(processor)
                .build();
        return of(provider);
    }

    /** The OTLP exporter: http/protobuf through the JDK's HttpClient, grpc through Vert.x' HTTP/2 client. */
    static SpanExporter exporter(String protocol, URI endpoint, java.util.Map<String, String> headers) {
        if (protocol.equals(TracingFlags.GRPC)) {
            var grpc = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint.toString());
            headers.forEach(grpc::addHeader);
            return grpc.build();
        }
        // OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: the signal's path is added to one without a path
        String path = endpoint.getPath();
        String url = path == null || path.isEmpty() || path.equals("/")
                ? endpoint.toString().replaceAll("/$", "") + "/v1/traces" : endpoint.toString();
        var http = OtlpHttpSpanExporter.builder().setEndpoint(url);
        headers.forEach(http::addHeader);
        return http.build();
    }

    public boolean enabled() {
        return tracer != null;
    }

    /** The trace context of a call from its metadata (W3C traceparent / tracestate); root if none. */
    public CallTrace call(MultiMap headers) {
        if (tracer == null) {
            return CallTrace.NONE;
        }
        Context parent = headers == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HeaderGetter.INSTANCE);
        return new CallTrace(parent);
    }

    /**
     * Starts a frame's span (back-dated to its arrival) as a child of its call's context.
     *
     * @param rpc the gRPC method name (Explain, ExplainStream)
     * @param streamId the call's id (the stream_id of the JSON event lines)
     */
    public FrameSpan frame(CallTrace call, String rpc, long frameId, long streamId, long arrivalNanos) {
        return tracer == null ? FrameSpan.NONE : FrameSpan.start(tracer, call, rpc, frameId, streamId, arrivalNanos);
    }

    /** Exports what is queued (bounded wait) and stops the exporter. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
