package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event loop only routes: the engine (its cache and queue locks) is never entered on it, even when a frame
 * decodes before the pipeline's next step is attached. One blocked event loop would stall every stream.
 */
class EventLoopIsolationTest {

    @Test
    void theEngineIsNeverCalledOnTheEventLoop() throws Exception {
        try (TestServer t = new TestServer("--stream-window=4")) {
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            for (long id = 1; id <= 400; id++) {
                out.onNext(Frames.frame(id).build()); // 2x2 raw frames decode in microseconds
            }
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            assertEquals(400, c.responses.size());
            List<String> onLoop = t.explainer.callerThreads.stream().filter(n -> n.contains("eventloop")).toList();
            assertTrue(onLoop.isEmpty(), onLoop.size() + " of 400 frames entered the engine on the event loop");
        }
    }
}
