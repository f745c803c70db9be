package io.scorecam.server.stream;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.reflection.v1.ErrorResponse;
import io.vertx.grpc.reflection.v1.FileDescriptorResponse;
import io.vertx.grpc.reflection.v1.ListServiceResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionProto;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * gRPC server reflection (v1, and v1alpha on the same wire format) that answers every request on a
 * stream. Vert.x's own ReflectionService ends the stream after the first answer, which breaks grpcurl and
 * ghz: they ask several questions on one stream.
 */
final class StreamingReflectionService implements Service {
    private static final ServiceDescriptor DESCRIPTOR =
            ServerReflectionProto.getDescriptor().findServiceByName("ServerReflection");
    private static final ServiceName V1 = ServiceName.create("grpc.reflection.v1", "ServerReflection");
    private static final ServiceName V1ALPHA = ServiceName.create("grpc.reflection.v1alpha", "ServerReflection");

    private GrpcServer server;

    @Override
    public ServiceName name() {
        return V1;
    }

    @Override
    public ServiceDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void bind(GrpcServer server) {
        this.server = server;
        server.callHandler(method(V1), this::handle);
        server.callHandler(method(V1ALPHA), this::handle);
    }

    private static ServiceMethod<ServerReflectionRequest, ServerReflectionResponse> method(ServiceName name) {
        return ServiceMethod.server(name, "ServerReflectionInfo", GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder(ServerReflectionRequest.newBuilder()));
    }

    private void handle(GrpcServerRequest<ServerReflectionRequest, ServerReflectionResponse> call) {
        call.handler(req -> call.response().write(answer(req)));
        call.endHandler(v -> call.response().end());
    }

    ServerReflectionResponse answer(ServerReflectionRequest req) {
        ServerReflectionResponse.Builder b = ServerReflectionResponse.newBuilder()
                .setValidHost(req.getHost()).setOriginalRequest(req);
        Map<String, FileDescriptor> files = files();
        switch (req.getMessageRequestCase()) {
            case LIST_SERVICES -> {
                ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
                for (Service s : server.services()) {
                    list.addService(ServiceResponse.newBuilder().setName(s.name().fullyQualifiedName()));
                }
                return b.setListServicesResponse(list).build();
            }
            case FILE_BY_FILENAME -> {
                FileDescriptor f = files.get(req.getFileByFilename());
                return f != null ? b.setFileDescriptorResponse(withDependencies(f)).build()
                        : error(b, GrpcStatus.NOT_FOUND, "no file named " + req.getFileByFilename());
            }
            case FILE_CONTAINING_SYMBOL -> {
                String symbol = req.getFileContainingSymbol();
                for (FileDescriptor f : files.values()) {
                    if (defines(f, symbol)) {
                        return b.setFileDescriptorResponse(withDependencies(f)).build();
                    }
                }
                return error(b, GrpcStatus.NOT_FOUND, "no symbol named " + symbol);
            }
            default -> {
                return error(b, GrpcStatus.UNIMPLEMENTED, req.getMessageRequestCase() + " is not supported");
            }
        }
    }

    private static ServerReflectionResponse error(ServerReflectionResponse.Builder b, GrpcStatus status, String msg) {
        return b.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(status.code).setErrorMessage(msg)).build();
    }

    /** Every file the served services need, by name. */
    private Map<String, FileDescriptor> files() {
        Map<String, FileDescriptor> files = new LinkedHashMap<>();
        ArrayDeque<FileDescriptor> todo = new ArrayDeque<>();
        for (Service s : server.services()) {
            if (s.descriptor() != null) {
                todo.add(s.descriptor().getFile());
            }
        }
        while (!todo.isEmpty()) {
            FileDescriptor f = todo.poll();
            if (files.putIfAbsent(f.getName(), f) == null) {
                todo.addAll(f.getDependencies());
            }
        }
        return files;
    }

    /** The file first, then everything it imports, as reflection clients expect. */
    private static FileDescriptorResponse withDependencies(FileDescriptor root) {
        Set<FileDescriptor> seen = new LinkedHashSet<>();
        ArrayDeque<FileDescriptor> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            FileDescriptor f = todo.poll();
            if (seen.add(f)) {
                todo.addAll(f.getDependencies());
            }
        }
        FileDescriptorResponse.Builder r = FileDescriptorResponse.newBuilder();
        seen.forEach(f -> r.addFileDescriptorProto(f.toProto().toByteString()));
        return r.build();
    }

    private static boolean defines(FileDescriptor f, String symbol) {
        for (ServiceDescriptor s : f.getServices()) {
            if (s.getFullName().equals(symbol)
                    || s.getMethods().stream().anyMatch(m -> m.getFullName().equals(symbol))) {
                return true;
            }
        }
        for (Descriptor d : f.getMessageTypes()) {
            if (definesIn(d, symbol)) {
                return true;
            }
        }
        for (EnumDescriptor e : f.getEnumTypes()) {
            if (e.getFullName().equals(symbol)) {
                return true;
            }
        }
        return false;
    }

    private static boolean definesIn(Descriptor d, String symbol) {
        if (d.getFullName().equals(symbol)) {
            return true;
        }
        if (d.getEnumTypes().stream().anyMatch(e -> e.getFullName().equals(symbol))) {
            return true;
        }
        return d.getNestedTypes().stream().anyMatch(n -> definesIn(n, symbol));
    }
}
