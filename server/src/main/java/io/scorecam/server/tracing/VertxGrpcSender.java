package io.scorecam.server.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * OTLP/gRPC for the OpenTelemetry exporter over Vert.x' HTTP/2 client (h2c, or TLS with ALPN for https), so
 * the server needs neither OkHttp (and Kotlin) nor grpc-java at run time: one unary call per export, status
 * from the trailers. Its own small Vert.x instance (one event loop) lives only while tracing is on.
 */
final class VertxGrpcSender implements GrpcSender {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1));
    private final HttpClient client;
    private final GrpcSenderConfig config;
    private final URI endpoint;

    VertxGrpcSender(GrpcSenderConfig config) {
        this.config = config;
        this.endpoint = config.getEndpoint();
        boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
        HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false) // prior knowledge, as gRPC clients do on h2c
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()));
        if (tls) {
            options.setSsl(true).setUseAlpn(true);
        }
        this.client = vertx.createHttpClient(options);
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        Buffer frame;
        Compressor compressor = config.getCompressor();
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(16, writer.getContentLength()));
            if (compressor != null) {
                try (OutputStream out = compressor.compress(body)) {
                    writer.writeMessage(out);
                }
            } else {
                writer.writeMessage(body);
            }
            byte[] message = body.toByteArray();
            // gRPC length-prefixed message: compressed flag, 4-byte big-endian length, bytes
            frame = Buffer.buffer(5 + message.length).appendByte((byte) (compressor != null ? 1 : 0))
                    .appendInt(message.length).appendBytes(message);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
        String base = endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("/$", "");
        long timeoutMs = config.getTimeout().toMillis();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.getHost())
                .setPort(port).setURI(base + "/" + config.getFullMethodName()).setIdleTimeout(timeoutMs)
                .putHeader("content-type", "application/grpc").putHeader("te", "trailers")
                .putHeader("grpc-timeout", timeoutMs + "m");
        if (compressor != null) {
            request.putHeader("grpc-encoding", compressor.getEncoding());
        }
        Map<String, List<String>> extra = config.getHeadersSupplier() == null ? Map.of() : config.getHeadersSupplier().get();
        if (extra != null) {
            extra.forEach((name, values) -> values.forEach(v -> request.addHeader(name, v)));
        }
        client.request(request)
                .compose(req -> req.send(frame))
                .compose(resp -> resp.body().map(b -> response(resp, b)))
                .onSuccess(onResponse::accept)
                .onFailure(onError::accept);
    }

    /** Status from the trailers (or the headers of a trailers-only answer); the message without its prefix. */
    private static GrpcResponse response(HttpClientResponse resp, Buffer body) {
        MultiMap trailers = resp.trailers();
        String status = trailers.get("grpc-status") != null ? trailers.get("grpc-status") : resp.getHeader("grpc-status");
        String message = trailers.get("grpc-message") != null ? trailers.get("grpc-message") : resp.getHeader("grpc-message");
        GrpcStatusCode code;
        if (status == null) { // not a gRPC answer (a proxy's error page, say)
            code = resp.statusCode() == 200 ? GrpcStatusCode.UNKNOWN : GrpcStatusCode.UNAVAILABLE;
            message = "HTTP " + resp.statusCode() + " without grpc-status";
        } else {
            try {
                code = GrpcStatusCode.fromValue(Integer.parseInt(status.strip()));
            } catch (RuntimeException e) {
                code = GrpcStatusCode.UNKNOWN;
            }
        }
        byte[] payload = body.length() >= 5 ? body.getBytes(5, body.length()) : new byte[0];
        String description = message == null ? "" : URLDecoder.decode(message, StandardCharsets.UTF_8);
        return new Answer(code, description, payload);
    }

    private record Answer(GrpcStatusCode getStatusCode, String getStatusDescription, byte[] getResponseMessage)
            implements GrpcResponse {
    }

    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode done = new CompletableResultCode();
        client.close().transform(ar -> vertx.close()).onComplete(ar -> {
            if (ar.succeeded()) {
                done.succeed();
            } else {
                done.fail();
            }
        });
        return done;
    }

    /** Found by the exporter through the ServiceLoader (the only gRPC sender on the class path). */
    public static final class Provider implements io.opentelemetry.sdk.common.export.GrpcSenderProvider {
        @Override
        public GrpcSender createSender(GrpcSenderConfig config) {
            return new VertxGrpcSender(config);
        }
    }
}
