package io.scorecam.server.tracing;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.Method;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The span tree of real frames (bundled model, real engine): one scorecam.frame span per frame with a child
 * per step, the frame's attributes, an ERROR span for a bad frame, and a client's W3C trace continued.
 */
class FrameTracingTest {
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static TracedServer t;

    @BeforeAll
    static void start() throws Exception {
        t = new TracedServer();
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @BeforeEach
    void clear() {
        t.spans.reset();
    }

    private static List<SpanData> frameSpans(List<SpanData> spans) {
        return spans.stream().filter(s -> s.getName().equals("scorecam.frame"))
                .sorted(java.util.Comparator.comparing(s -> s.getAttributes().get(FrameSpan.FRAME_ID))).toList();
    }

    private static List<SpanData> children(List<SpanData> spans, SpanData parent) {
        return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())
                && s.getTraceId().equals(parent.getTraceId())).toList();
    }

    private static Set<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).collect(Collectors.toSet());
    }

    @Test
    void aStreamGivesEachFrameASpanWithAChildPerStepAndAnErrorSpanForABadFrame() throws Exception {
        List<ExplainRequest> frames = List.of(
                t.frame(1).toBuilder().setMethod(Method.SCORE_CAM).build(),
                t.frame(2).toBuilder().setMethod(Method.SCORE_CAM).build(),
                t.frame(3).toBuilder().setMethod(Method.SCORE_CAM).setEncoded(ByteString.copyFromUtf8("not an image")).build(),
                t.frame(4).toBuilder().setMethod(Method.SCORE_CAM).build());
        List<ExplainResponse> answers = t.stream(frames, null);
        assertEquals(4, answers.size());
        List<SpanData> spans = t.awaitFrameSpans(4);
        List<SpanData> framesSpans = frameSpans(spans);
        assertEquals(4, framesSpans.size(), "one frame span per frame: " + names(spans));

        long streamId = framesSpans.get(0).getAttributes().get(FrameSpan.STREAM_ID);
        for (SpanData f : framesSpans) {
            assertEquals(streamId, f.getAttributes().get(FrameSpan.STREAM_ID), "one call, one stream id");
            assertEquals("ExplainStream", f.getAttributes().get(FrameSpan.RPC_METHOD));
            assertEquals("shapes", f.getAttributes().get(FrameSpan.MODEL));
            assertEquals("SCORE_CAM", f.getAttributes().get(FrameSpan.METHOD));
            assertEquals("SEED", f.getAttributes().get(FrameSpan.CONVENTION));
            assertFalse(f.getParentSpanContext().isValid(), "no client context: each frame is a root");
        }
        for (SpanData f : List.of(framesSpans.get(0), framesSpans.get(1), framesSpans.get(3))) {
            List<SpanData> steps = children(spans, f);
            assertTrue(names(steps).containsAll(Set.of("queue", "decode", "preprocess", "feature_pass", "scoring",
                    "combine", "encode")), "steps of frame " + f.getAttributes().get(FrameSpan.FRAME_ID) + ": " + names(steps));
            assertEquals(StatusCode.UNSET, f.getStatus().getStatusCode());
            assertEquals(1L, f.getAttributes().get(FrameSpan.MODEL_GENERATION), "the model's first load");
            long passes = f.getAttributes().get(FrameSpan.FORWARD_PASSES);
            assertTrue(passes > 1, "SCORE_CAM runs a feature pass and the masked passes: " + passes);
            assertEquals(false, f.getAttributes().get(FrameSpan.CACHE_HIT));
            // one scoring span gathers the frame's batches; its items add up to the masked passes (batch size 8)
            List<SpanData> scoring = steps.stream().filter(s -> s.getName().equals("scoring")).toList();
            assertEquals(1, scoring.size());
            var a = scoring.get(0).getAttributes();
            assertEquals(passes - 1, a.get(FrameSpan.BATCH_ITEMS), "scoring items = passes - the feature pass");
            assertTrue(a.get(FrameSpan.BATCH_COUNT) >= (passes - 1) / 8, "several batches: " + a.get(FrameSpan.BATCH_COUNT));
            assertTrue(a.get(FrameSpan.BATCH_MAX_SIZE) <= 8);
            assertTrue(a.get(FrameSpan.BATCH_WAIT_MS) >= 0 && a.get(FrameSpan.BATCH_RUN_MS) > 0);
            assertEquals(Math.min(BatchStep.MAX_IDS, a.get(FrameSpan.BATCH_COUNT)), a.get(FrameSpan.BATCH_IDS).size());
            assertEquals("first batch started", scoring.get(0).getEvents().get(0).getName());
            assertEquals(a.get(FrameSpan.BATCH_COUNT) + 1, f.getAttributes().get(FrameSpan.BATCHES), "scoring + feature batches");
            for (SpanData s : steps) { // children lie inside their frame
                assertTrue(s.getStartEpochNanos() >= f.getStartEpochNanos() && s.getEndEpochNanos() <= f.getEndEpochNanos(),
                        s.getName() + " outside its frame");
            }
        }
        SpanData bad = framesSpans.get(2);
        assertEquals(StatusCode.ERROR, bad.getStatus().getStatusCode());
        assertEquals("INVALID_ARGUMENT", bad.getAttributes().get(FrameSpan.ERROR_CODE));
        assertEquals(3L, bad.getAttributes().get(FrameSpan.GRPC_CODE));
        assertTrue(bad.getStatus().getDescription().contains("image"), bad.getStatus().getDescription());
        Set<String> badSteps = names(children(spans, bad));
        // refused from its header, before decode: no engine step ran for it
        assertTrue(!badSteps.contains("feature_pass") && !badSteps.contains("scoring"), "bad frame's steps: " + badSteps);
    }

    @Test
    void aUnaryCallIsOneFrameSpanAndARepeatedFrameIsACacheHit() throws Exception {
        ExplainRequest request = t.frame(7).toBuilder().setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(4).build();
        ExplainResponse first = t.blocking(null).explain(request);
        ExplainResponse again = t.blocking(null).explain(request.toBuilder().setFrameId(8).build());
        assertEquals(FrameStatus.OK, again.getStatus());
        assertEquals(0, again.getForwardPasses());
        List<SpanData> spans = t.awaitFrameSpans(2);
        List<SpanData> frames = frameSpans(spans);
        assertEquals(2, frames.size());
        assertEquals("Explain", frames.get(0).getAttributes().get(FrameSpan.RPC_METHOD));
        assertEquals("FASTER_SCORE_CAM", frames.get(0).getAttributes().get(FrameSpan.METHOD));
        assertEquals((long) first.getForwardPasses(), frames.get(0).getAttributes().get(FrameSpan.FORWARD_PASSES));
        assertEquals(5L, frames.get(0).getAttributes().get(FrameSpan.FORWARD_PASSES), "1 feature pass + 4 channels");
        assertNotEquals(frames.get(0).getAttributes().get(FrameSpan.STREAM_ID),
                frames.get(1).getAttributes().get(FrameSpan.STREAM_ID), "two calls");
        assertTrue(names(children(spans, frames.get(0))).containsAll(Set.of("decode", "feature_pass", "scoring", "encode")));
        assertEquals(true, frames.get(1).getAttributes().get(FrameSpan.CACHE_HIT));
        Set<String> cached = names(children(spans, frames.get(1)));
        assertTrue(cached.contains("preprocess") && !cached.contains("feature_pass") && !cached.contains("scoring"),
                "a cache hit runs no pass: " + cached);
    }

    @Test
    void aClientsTraceparentIsContinuedByEveryFrameOfItsStream() throws Exception {
        String traceparent = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";
        t.stream(List.of(t.frame(11), t.frame(12)), traceparent);
        t.blocking(traceparent).explain(t.frame(13));
        List<SpanData> frames = frameSpans(t.awaitFrameSpans(3));
        assertEquals(3, frames.size());
        for (SpanData f : frames) {
            assertEquals(CLIENT_TRACE, f.getTraceId(), "the client's trace goes on");
            assertEquals(CLIENT_SPAN, f.getParentSpanId(), "the frame is a child of the client's span");
            assertTrue(f.getParentSpanContext().isRemote());
        }
        Map<String, Long> streams = frames.stream().collect(Collectors.toMap(
                f -> String.valueOf(f.getAttributes().get(FrameSpan.FRAME_ID)), f -> f.getAttributes().get(FrameSpan.STREAM_ID)));
        assertEquals(streams.get("11"), streams.get("12"), "one stream");
        assertNotEquals(streams.get("11"), streams.get("13"));
    }

    @Test
    void aMalformedTraceparentStartsANewTrace() throws Exception {
        t.blocking("00-zzzz-" + CLIENT_SPAN + "-01").explain(t.frame(21));
        List<SpanData> frames = frameSpans(t.awaitFrameSpans(1));
        assertEquals(1, frames.size());
        assertFalse(frames.get(0).getParentSpanContext().isValid());
        assertNotEquals(CLIENT_TRACE, frames.get(0).getTraceId());
    }

    static AttributeKey<String> key(String name) {
        return AttributeKey.stringKey(name);
    }
}
