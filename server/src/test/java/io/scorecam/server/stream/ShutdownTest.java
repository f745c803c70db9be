package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.server.batching.CancellationToken;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownTest {

    private static HealthCheckResponse.ServingStatus health(TestServer t) {
        return health(t, "scorecam.v1.ExplainService");
    }

    private static HealthCheckResponse.ServingStatus health(TestServer t, String service) {
        return HealthGrpc.newBlockingStub(t.channel).check(HealthCheckRequest.newBuilder()
                .setService(service).build()).getStatus();
    }

    @Test
    void inFlightFramesAreAnsweredThenStreamsEndUnavailable() throws Exception {
        try (TestServer t = new TestServer("--stream-window=2", "--grace-period-ms=10000")) {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(t));
            t.explainer.hold = true;
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            for (int i = 0; i < 5; i++) {
                out.onNext(Frames.frame(i).build()); // 2 in flight, the rest wait unread
            }
            CallLevelTest.waitUntil(() -> t.explainer.heldCount() == 2);

            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(t, ""));
            Future<Void> stopped = t.server.shutdown();
            assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, health(t));
            // issue 16 item 8: the server as a whole ("", what most probes ask) turns too
            assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, health(t, ""));
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> t.blocking().listModels(ListModelsRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertFalse(stopped.isComplete(), "the server waits for frames in flight");

            t.explainer.release();
            assertEquals(Status.Code.UNAVAILABLE, c.await().getCode());
            assertEquals(2, c.responses.size(), "the two frames taken are answered");
            assertTrue(c.responses.stream().allMatch(r -> r.getStatus() == FrameStatus.OK));
            stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(t.explainer.closed, "the engine is closed last");
        }
    }

    @Test
    void afterTheGracePeriodRemainingStreamsAreClosedAndTheirWorkCancelled() throws Exception {
        try (TestServer t = new TestServer("--stream-window=2", "--grace-period-ms=300")) {
            t.explainer.hold = true;
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(Frames.frame(1).build());
            CallLevelTest.waitUntil(() -> t.explainer.heldCount() == 1);
            t.shutdownServer(); // never released: the grace period runs out
            assertEquals(Status.Code.UNAVAILABLE, c.await().getCode());
            assertTrue(c.responses.isEmpty());
            assertTrue(t.explainer.tokens.stream().allMatch(CancellationToken::isCancelled));
            assertTrue(t.explainer.closed);
        }
    }
}
