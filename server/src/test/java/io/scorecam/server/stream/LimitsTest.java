package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.MapSize;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16 items 2, 3 and 10: caps per request, admission on frame memory, --max-streams, unsigned sizes. */
class LimitsTest {

    /** Sends the frames on one stream, half-closes, returns the responses (the stream must end OK). */
    private static java.util.List<ExplainResponse> stream(TestServer t, ExplainRequest... frames) throws Exception {
        Collector c = new Collector();
        StreamObserver<ExplainRequest> out = t.async().explainStream(c);
        for (ExplainRequest f : frames) {
            out.onNext(f);
        }
        out.onCompleted();
        assertEquals(Status.Code.OK, c.await().getCode(), "a frame over a cap must not end the stream");
        assertEquals(frames.length, c.responses.size());
        return c.responses;
    }

    private static void assertError(ExplainResponse r, String code, String... words) {
        assertEquals(FrameStatus.ERROR, r.getStatus(), "frame " + r.getFrameId());
        assertEquals(code, r.getErrorCode(), r.getErrorMessage());
        for (String w : words) {
            assertTrue(r.getErrorMessage().contains(w), "'" + r.getErrorMessage() + "' should mention '" + w + "'");
        }
    }

    @Test
    void classesPerRequestAreCappedWithANamedError() throws Exception {
        try (TestServer t = new TestServer("--max-classes=16")) {
            var rs = stream(t,
                    Frames.frame(1).addAllTargetClasses(Collections.nCopies(2000, 0)).build(),
                    Frames.frame(2).addAllTargetClasses(Collections.nCopies(17, 0)).build(),
                    Frames.frame(3).setTopK(17).build(),
                    Frames.frame(4).addAllTargetClasses(Collections.nCopies(16, 0)).build());
            assertError(rs.get(0), "INVALID_ARGUMENT", "2000", "16", "--max-classes");
            assertError(rs.get(1), "INVALID_ARGUMENT", "17", "--max-classes");
            assertError(rs.get(2), "INVALID_ARGUMENT", "top_k 17", "--max-classes");
            assertEquals(FrameStatus.OK, rs.get(3).getStatus(), "at the cap is fine");
            assertEquals(16, rs.get(3).getMapsCount());
        }
    }

    @Test
    void responseBytesAreBoundedBeforeAnyWork() throws Exception {
        try (TestServer t = new TestServer("--max-response-bytes=1MiB")) {
            int before = t.explainer.calls.get();
            // 4 ORIGINAL maps of 300x300 with values: ~4.3 MB
            var rs = stream(t, Frames.frame(1, 300, 300).setMapSize(MapSize.ORIGINAL).addTargetClasses(1)
                            .addTargetClasses(2).addTargetClasses(3).addTargetClasses(4).build(),
                    Frames.frame(2, 250, 250).setMapSize(MapSize.ORIGINAL).build());
            assertError(rs.get(0), "INVALID_ARGUMENT", "--max-response-bytes", "1048576");
            assertEquals(FrameStatus.OK, rs.get(1).getStatus(), "one 250x250 map fits");
            assertEquals(before + 1, t.explainer.calls.get(), "the rejected frame never reached the engine");
        }
    }

    @Test
    void framesWaitForMemoryThenFailResourceExhaustedNeverOom() throws Exception {
        // a 300x300 raw frame takes ~270 KB to decode + its map: two fit in 600 KB, a third waits
        try (TestServer t = new TestServer("--frame-memory=600KiB", "--admission-wait-ms=300", "--stream-window=4")) {
            t.explainer.hold = true;
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(Frames.frame(1, 300, 300).build());
            out.onNext(Frames.frame(2, 300, 300).build());
            CallLevelTest.waitUntil(() -> t.explainer.heldCount() == 2);
            out.onNext(Frames.frame(3, 300, 300).build()); // waits, then gives up
            out.onNext(Frames.frame(4, 1000, 1000).build()); // can never fit: fails at once
            CallLevelTest.waitUntil(() -> c.responses.isEmpty() && t.explainer.heldCount() == 2);
            Thread.sleep(500);
            t.explainer.release();
            out.onNext(Frames.frame(5, 300, 300).build()); // memory is back: admitted
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            assertEquals(5, c.responses.size());
            assertEquals(FrameStatus.OK, c.responses.get(0).getStatus());
            assertEquals(FrameStatus.OK, c.responses.get(1).getStatus());
            assertError(c.responses.get(2), "RESOURCE_EXHAUSTED", "waited 300 ms", "--frame-memory");
            assertError(c.responses.get(3), "RESOURCE_EXHAUSTED", "more than the server's frame budget", "--frame-memory");
            assertEquals(FrameStatus.OK, c.responses.get(4).getStatus());
        }
    }

    @Test
    void maxStreamsRefusesTheNextStreamUntilOneEnds() throws Exception {
        try (TestServer t = new TestServer("--max-streams=2")) {
            Collector a = new Collector();
            Collector b = new Collector();
            StreamObserver<ExplainRequest> sa = t.async().explainStream(a);
            StreamObserver<ExplainRequest> sb = t.async().explainStream(b);
            sa.onNext(Frames.frame(1).build());
            sb.onNext(Frames.frame(1).build());
            CallLevelTest.waitUntil(() -> a.responses.size() == 1 && b.responses.size() == 1);
            Collector third = new Collector();
            t.async().explainStream(third).onNext(Frames.frame(1).build());
            Status s = third.await();
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
            assertTrue(s.getDescription().contains("--max-streams"), s.getDescription());
            sa.onCompleted();
            assertEquals(Status.Code.OK, a.await().getCode());
            var rs = stream(t, Frames.frame(7).build());
            assertEquals(FrameStatus.OK, rs.get(0).getStatus(), "a stream ended: a new one is accepted");
            sb.onCompleted();
            b.await();
        }
    }

    @Test
    void hugeRawSizesArePrintedUnsigned() throws Exception {
        try (TestServer t = new TestServer()) {
            ExplainRequest.Builder f = Frames.frame(1);
            f.getRawBuilder().setWidth(-1).setHeight(-1); // 4294967295 x 4294967295
            var rs = stream(t, f.build());
            assertError(rs.get(0), "RESOURCE_EXHAUSTED", "4294967295x4294967295", "--max-pixels");
        }
    }
}
