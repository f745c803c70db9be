package io.scorecam.server.tracing;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST ONLY: an OTLP/gRPC trace receiver made with grpc-java (an implementation independent of the server's
 * Vert.x sender): TraceService/Export on a free loopback port, requests decoded by {@link OtlpReceiver}.
 */
final class OtlpGrpcReceiver implements AutoCloseable {
    static final String EXPORT = "opentelemetry.proto.collector.trace.v1.TraceService/Export";

    final OtlpReceiver decoded;
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Server server;

    OtlpGrpcReceiver(OtlpReceiver decoder) throws IOException {
        this.decoded = decoder;
        MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(EXPORT)
                .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
                .addMethod(export, ServerCalls.asyncUnaryCall((request, answer) -> {
                    try {
                        decoder.decode(request);
                        answer.onNext(new byte[0]); // an empty ExportTraceServiceResponse
                        answer.onCompleted();
                    } catch (IOException e) {
                        decoder.errors.add(e);
                        answer.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.toString()).asException());
                    }
                })).build();
        io.grpc.ServerInterceptor headers = new io.grpc.ServerInterceptor() {
            @Override
            public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
                    io.grpc.Metadata md, io.grpc.ServerCallHandler<Q, A> next) {
                authorizations.add(String.valueOf(md.get(io.grpc.Metadata.Key.of("authorization",
                        io.grpc.Metadata.ASCII_STRING_MARSHALLER))));
                return next.startCall(call, md);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(io.grpc.ServerInterceptors.intercept(service, headers)).build().start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
