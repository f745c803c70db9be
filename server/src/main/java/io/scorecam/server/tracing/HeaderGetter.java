package io.scorecam.server.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.MultiMap;

/** Reads W3C trace headers (traceparent, tracestate) from a call's gRPC metadata (HTTP/2 headers). */
final class HeaderGetter implements TextMapGetter<MultiMap> {
    static final HeaderGetter INSTANCE = new HeaderGetter();

    @Override
    public Iterable<String> keys(MultiMap carrier) {
        return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
        return carrier == null ? null : carrier.get(key); // case-insensitive, as HTTP/2 header names are
    }
}
