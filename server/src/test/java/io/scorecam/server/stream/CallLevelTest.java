package io.scorecam.server.stream;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.server.batching.CancellationToken;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures that end a whole call: size limit, authentication, deadline, client cancel. */
class CallLevelTest {

    @Test
    void oversizeMessageEndsTheCallWithResourceExhausted() throws Exception {
        try (TestServer t = new TestServer("--max-message-bytes=64KiB")) {
            ExplainRequest big = ExplainRequest.newBuilder().setEncoded(ByteString.copyFrom(new byte[100_000])).build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> t.blocking().explain(big));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("65536"), e.getStatus().getDescription());

            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(Frames.frame(1).build());
            out.onNext(big);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, c.await().getCode());
            // the server still serves new calls
            assertEquals(1, t.blocking().explain(Frames.frame(9).build()).getMapsCount());
        }
    }

    private static ExplainServiceGrpc.ExplainServiceBlockingStub withAuth(TestServer t, String value) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        return t.blocking().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    @Test
    void missingOrWrongTokenIsUnauthenticatedButHealthStaysOpen() throws Exception {
        try (TestServer t = new TestServer("--auth-token=s3cret")) {
            StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                    () -> t.blocking().listModels(ListModelsRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, missing.getStatus().getCode());
            assertTrue(missing.getStatus().getDescription().contains("authorization"));

            StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
                    () -> withAuth(t, "Bearer guess").explain(Frames.frame(1).build()));
            assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());

            Collector c = new Collector();
            t.async().explainStream(c).onNext(Frames.frame(1).build());
            assertEquals(Status.Code.UNAUTHENTICATED, c.await().getCode());

            assertEquals(1, withAuth(t, "Bearer s3cret").explain(Frames.frame(1).build()).getMapsCount());
            HealthCheckResponse h = HealthGrpc.newBlockingStub(t.channel).check(HealthCheckRequest.getDefaultInstance());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
        }
    }

    @Test
    void deadlineEndsTheStreamAndCancelsItsFrames() throws Exception {
        try (TestServer t = new TestServer()) {
            t.explainer.hold = true;
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().withDeadlineAfter(300, TimeUnit.MILLISECONDS).explainStream(c);
            out.onNext(Frames.frame(1).build());
            out.onNext(Frames.frame(2).build());
            assertEquals(Status.Code.DEADLINE_EXCEEDED, c.await().getCode());
            waitUntil(() -> t.explainer.tokens.size() == 2 && t.explainer.tokens.stream().allMatch(CancellationToken::isCancelled));

            StatusRuntimeException unary = assertThrows(StatusRuntimeException.class,
                    () -> t.blocking().withDeadlineAfter(200, TimeUnit.MILLISECONDS).explain(Frames.frame(3).build()));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, unary.getStatus().getCode());
            t.explainer.release();
        }
    }

    @Test
    void clientCancelCancelsTheTokensOfItsQueuedFrames() throws Exception {
        try (TestServer t = new TestServer("--stream-window=3")) {
            t.explainer.hold = true;
            Collector c = new Collector();
            var call = (io.grpc.stub.ClientCallStreamObserver<ExplainRequest>) t.async().explainStream(c);
            for (int i = 0; i < 3; i++) {
                call.onNext(Frames.frame(i).build());
            }
            waitUntil(() -> t.explainer.heldCount() == 3);
            assertTrue(t.explainer.tokens.stream().noneMatch(CancellationToken::isCancelled));
            call.cancel("user pressed stop", null);
            waitUntil(() -> t.explainer.tokens.stream().allMatch(CancellationToken::isCancelled));
            t.explainer.release(); // the engine drops them: nothing is written to the dead stream
            waitUntil(() -> t.server.activeCalls() == 0);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
