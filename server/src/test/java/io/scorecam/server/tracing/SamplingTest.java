package io.scorecam.server.tracing;

import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** --trace-sample-ratio=0: nothing of our own is traced, but a client's sampled trace still is (parent-based). */
class SamplingTest {
    static TracedServer t;

    @BeforeAll
    static void start() throws Exception {
        t = new TracedServer("--trace-sample-ratio=0");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void theClientsSampledFlagWinsOverTheRatio() throws Exception {
        t.blocking(null).explain(t.frame(1));
        t.blocking("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00").explain(t.frame(2)); // not sampled
        t.blocking("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").explain(t.frame(3)); // sampled
        List<SpanData> spans = t.awaitFrameSpans(1);
        List<SpanData> frames = spans.stream().filter(s -> s.getName().equals("scorecam.frame")).toList();
        assertEquals(1, frames.size(), "only the client-sampled frame");
        assertEquals(3L, frames.get(0).getAttributes().get(FrameSpan.FRAME_ID));
        assertEquals("0af7651916cd43dd8448eb211c80319c", frames.get(0).getTraceId());
        // its steps are sampled with it
        assertEquals(true, spans.stream().anyMatch(s -> s.getName().equals("feature_pass")));
    }
}
