package io.scorecam.server.tracing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST ONLY: a tiny OTLP/HTTP trace receiver on a free loopback port (JDK HttpServer). It decodes each
 * ExportTraceServiceRequest by the field numbers of opentelemetry-proto's trace.proto, with protobuf-java's
 * generic parser (the generated OTLP classes need a newer protobuf runtime than the build's).
 */
final class OtlpReceiver implements AutoCloseable {
    /** One received span: its ids (hex), name and its resource's service.name. */
    record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String serviceName,
                        Map<String, String> attributes) {
    }

    final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final Map<String, Integer> paths = new ConcurrentHashMap<>();
    /** Bodies that did not decode (a test asserts there are none). */
    final List<Exception> errors = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                paths.merge(exchange.getRequestURI().getPath(), 1, Integer::sum);
                contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                byte[] body = exchange.getRequestBody().readAllBytes();
                try {
                    decode(body);
                } catch (RuntimeException | IOException e) {
                    errors.add(e);
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** ExportTraceServiceRequest: 1 resource_spans; ResourceSpans: 1 resource, 2 scope_spans; ScopeSpans: 2 spans. */
    void decode(byte[] body) throws InvalidProtocolBufferException {
        UnknownFieldSet request = UnknownFieldSet.parseFrom(body);
        for (ByteString rs : lengthDelimited(request, 1)) {
            UnknownFieldSet resourceSpans = UnknownFieldSet.parseFrom(rs);
            String service = "";
            for (ByteString resource : lengthDelimited(resourceSpans, 1)) {
                service = attributes(UnknownFieldSet.parseFrom(resource), 1).getOrDefault("service.name", "");
            }
            for (ByteString ss : lengthDelimited(resourceSpans, 2)) {
                for (ByteString sp : lengthDelimited(UnknownFieldSet.parseFrom(ss), 2)) {
                    UnknownFieldSet span = UnknownFieldSet.parseFrom(sp);
                    spans.add(new ReceivedSpan(hex(span, 1), hex(span, 2), hex(span, 4),
                            first(span, 5).toStringUtf8(), service, attributes(span, 9)));
                }
            }
        }
    }

    /** KeyValue attributes (field 9 of Span, 1 of Resource): 1 key, 2 AnyValue (1 string, 3 int, 2 bool). */
    private static Map<String, String> attributes(UnknownFieldSet message, int field) throws InvalidProtocolBufferException {
        Map<String, String> out = new java.util.HashMap<>();
        for (ByteString kv : lengthDelimited(message, field)) {
            UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
            UnknownFieldSet value = UnknownFieldSet.parseFrom(first(pair, 2));
            String v = value.hasField(1) ? first(value, 1).toStringUtf8()
                    : value.hasField(3) ? String.valueOf(value.getField(3).getVarintList().get(0))
                    : value.hasField(2) ? String.valueOf(value.getField(2).getVarintList().get(0) != 0) : "?";
            out.put(first(pair, 1).toStringUtf8(), v);
        }
        return out;
    }

    private static List<ByteString> lengthDelimited(UnknownFieldSet message, int field) {
        return message.hasField(field) ? message.getField(field).getLengthDelimitedList() : new ArrayList<>();
    }

    private static ByteString first(UnknownFieldSet message, int field) {
        List<ByteString> values = lengthDelimited(message, field);
        return values.isEmpty() ? ByteString.EMPTY : values.get(0);
    }

    private static String hex(UnknownFieldSet message, int field) {
        return HexFormat.of().formatHex(first(message, field).toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
