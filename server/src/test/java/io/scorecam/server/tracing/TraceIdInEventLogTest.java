package io.scorecam.server.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A traced frame's frame_failed event line carries its trace id: the log line leads to the span. */
class TraceIdInEventLogTest {
    @Test
    void aFailedFramesLineNamesItsTrace() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String trace = "6bf92f3577b34da6a3ce929d0e0e4736";
        List<SpanData> spans;
        try (TracedServer t = new TracedServer()) {
            List<ExplainResponse> answers = t.stream(List.of(t.frame(1).toBuilder()
                    .setEncoded(ByteString.copyFromUtf8("not an image")).build()), "00-" + trace + "-20f067aa0ba902b7-01");
            assertEquals(FrameStatus.ERROR, answers.get(0).getStatus());
            spans = t.awaitFrameSpans(1);
        } finally { // the server's close flushed the event log
            System.setOut(stdout);
        }
        JsonNode failed = null;
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"frame_failed\"")) {
                failed = new ObjectMapper().readTree(line);
            }
        }
        assertTrue(failed != null, "a frame_failed line: " + captured);
        assertEquals(trace, failed.get("trace_id").asText());
        SpanData frame = spans.stream().filter(s -> s.getName().equals("scorecam.frame")).findFirst().orElseThrow();
        assertEquals(frame.getAttributes().get(FrameSpan.STREAM_ID).longValue(), failed.get("stream_id").asLong());
    }
}
