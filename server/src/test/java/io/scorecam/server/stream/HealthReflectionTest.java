package io.scorecam.server.stream;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthReflectionTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void healthIsServingForTheServiceAndTheServer() {
        var health = HealthGrpc.newBlockingStub(server.channel);
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                .setService("scorecam.v1.ExplainService").build()).getStatus());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    /** A reflection stream that the test drives request by request, like grpcurl does. */
    private static final class ReflectionStream implements StreamObserver<ServerReflectionResponse> {
        final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        final StreamObserver<ServerReflectionRequest> out =
                ServerReflectionGrpc.newStub(server.channel).serverReflectionInfo(this);

        ServerReflectionResponse ask(ServerReflectionRequest r) throws InterruptedException {
            out.onNext(r);
            Object a = answers.poll(10, TimeUnit.SECONDS);
            assertNotNull(a, "no answer");
            if (a instanceof Throwable t) {
                throw new AssertionError("reflection stream ended: " + t, t);
            }
            if (a instanceof String s) {
                throw new AssertionError("reflection stream ended: " + s);
            }
            return (ServerReflectionResponse) a;
        }

        @Override
        public void onNext(ServerReflectionResponse r) {
            answers.add(r);
        }

        @Override
        public void onError(Throwable t) {
            answers.add(t);
        }

        @Override
        public void onCompleted() {
            answers.add("completed");
        }
    }

    @Test
    void reflectionAnswersSeveralRequestsOnOneStream() throws Exception {
        ReflectionStream s = new ReflectionStream();
        ServerReflectionRequest list = ServerReflectionRequest.newBuilder().setListServices("").build();
        for (int i = 0; i < 2; i++) {
            List<String> names = s.ask(list).getListServicesResponse().getServiceList().stream()
                    .map(ServiceResponse::getName).toList();
            assertTrue(names.contains("scorecam.v1.ExplainService"), names.toString());
            assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
            assertTrue(names.contains("grpc.reflection.v1.ServerReflection"), names.toString());
        }
        ServerReflectionResponse file = s.ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("scorecam.v1.ExplainService").build());
        FileDescriptorProto proto = FileDescriptorProto.parseFrom(
                file.getFileDescriptorResponse().getFileDescriptorProto(0));
        assertEquals("scorecam/v1/explain.proto", proto.getName());
        assertEquals("ExplainService", proto.getService(0).getName());

        ServerReflectionResponse byMessage = s.ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("scorecam.v1.SaliencyMap").build());
        assertEquals(proto, FileDescriptorProto.parseFrom(byMessage.getFileDescriptorResponse().getFileDescriptorProto(0)));

        ServerReflectionResponse byName = s.ask(ServerReflectionRequest.newBuilder()
                .setFileByFilename("scorecam/v1/explain.proto").build());
        assertEquals(proto, FileDescriptorProto.parseFrom(byName.getFileDescriptorResponse().getFileDescriptorProto(0)));

        ServerReflectionResponse missing = s.ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("no.such.Thing").build());
        assertEquals(io.grpc.Status.Code.NOT_FOUND.value(), missing.getErrorResponse().getErrorCode());
        s.out.onCompleted();
        assertEquals("completed", s.answers.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void reflectionV1AlphaIsServedToo() throws Exception {
        var answers = new LinkedBlockingQueue<io.grpc.reflection.v1alpha.ServerReflectionResponse>();
        var out = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(server.channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse r) {
                        answers.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        var list = io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build();
        out.onNext(list);
        out.onNext(list);
        for (int i = 0; i < 2; i++) {
            var r = answers.poll(10, TimeUnit.SECONDS);
            assertNotNull(r);
            assertTrue(r.getListServicesResponse().getServiceCount() >= 3);
        }
        out.onCompleted();
    }
}
