package io.scorecam.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.OverloadPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON event lines on stdout: one per failed frame, one per stream end; --log-level filters them. */
class EventLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream stdout;

    @BeforeEach
    void capture() {
        stdout = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
    }

    /** The event lines written so far (other output, if any, is not JSON and is left out). */
    private List<JsonNode> events() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static List<JsonNode> ofEvent(List<JsonNode> events, String name) {
        return events.stream().filter(e -> e.get("event").asText().equals(name)).toList();
    }

    @Test
    void aFailedFrameAndTheStreamEndEachLeaveOneLine() throws Exception {
        try (TestServer t = new TestServer()) {
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(Frames.frame(1).setMethod(Method.EIGEN_CAM).build());
            out.onNext(Frames.frame(2).setMethod(Method.EIGEN_CAM).setModel("no-such-model").build());
            out.onNext(Frames.frame(3).setMethod(Method.EIGEN_CAM).build());
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            t.shutdownServer(); // the end line is written when the call closes: wait for it
        }
        List<JsonNode> events = events();
        List<JsonNode> failed = ofEvent(events, "frame_failed");
        assertEquals(1, failed.size(), events.toString());
        JsonNode f = failed.get(0);
        assertEquals("WARN", f.get("level").asText());
        assertEquals("2", f.get("frame_id").asText());
        assertEquals("unknown", f.get("model").asText(), "a name the server does not serve");
        assertEquals("EIGEN_CAM", f.get("method").asText());
        assertEquals("NOT_FOUND", f.get("code").asText());
        assertTrue(f.get("message").asText().contains("no-such-model"), f.toString());
        assertTrue(f.get("peer").asText().contains("127.0.0.1"), f.toString());
        assertEquals("ExplainStream", f.get("rpc").asText());
        assertTrue(f.get("duration_ms").asDouble() >= 0);

        List<JsonNode> ends = ofEvent(events, "stream_end");
        assertEquals(1, ends.size(), events.toString());
        JsonNode end = ends.get(0);
        assertEquals("INFO", end.get("level").asText());
        assertEquals(f.get("stream_id"), end.get("stream_id"), "the failure and the end name the same stream");
        assertEquals("OK", end.get("code").asText());
        assertEquals(3, end.get("frames").asInt());
        assertEquals(2, end.get("frames_ok").asInt());
        assertEquals(1, end.get("frames_failed").asInt());
        assertEquals(ControllableExplainer.MODEL, end.get("model").asText());
        assertEquals("EIGEN_CAM", end.get("method").asText());
        assertTrue(end.get("duration_ms").asDouble() > 0);
        assertTrue(end.get("ts").asText().endsWith("Z"));
    }

    @Test
    void aLatestStreamsEndLineSaysHowItsFramesOverlapped() throws Exception {
        int frames = 12;
        try (TestServer t = new TestServer()) {
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            for (int i = 1; i <= frames; i++) {
                out.onNext(Frames.frame(i).setMethod(Method.EIGEN_CAM).setPolicy(OverloadPolicy.LATEST).build());
            }
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            t.shutdownServer();
        }
        JsonNode end = ofEvent(events(), "stream_end").get(0);
        assertEquals(frames, end.get("frames").asInt(), end.toString());
        assertTrue(end.get("latest_alone_ms").asDouble() > 0, "the first frames run alone: " + end);
        assertTrue(end.has("latest_overlapped_ms"), end.toString());
        int starts = end.get("latest_early_starts").asInt();
        assertTrue(starts >= 0 && starts <= end.get("frames_ok").asInt(), end.toString());
    }

    @Test
    void aBlockStreamsEndLineHasNoOverlapFields() throws Exception {
        try (TestServer t = new TestServer()) {
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(Frames.frame(1).setMethod(Method.EIGEN_CAM).build());
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            t.shutdownServer();
        }
        JsonNode end = ofEvent(events(), "stream_end").get(0);
        assertFalse(end.has("latest_alone_ms"), end.toString());
    }

    @Test
    void aUnaryFailureIsLoggedAndTheLevelFlagSilencesIt() throws Exception {
        try (TestServer t = new TestServer()) {
            assertThrows(StatusRuntimeException.class, () -> t.blocking().explain(Frames.frame(7).setModel("x").build()));
            t.shutdownServer();
        }
        List<JsonNode> failed = ofEvent(events(), "frame_failed");
        assertEquals(1, failed.size());
        assertEquals("Explain", failed.get(0).get("rpc").asText());
        assertTrue(ofEvent(events(), "call_end").isEmpty(), "unary call ends are logged at debug only");

        captured.reset();
        try (TestServer t = new TestServer("--log-level=error")) {
            assertThrows(StatusRuntimeException.class, () -> t.blocking().explain(Frames.frame(8).setModel("x").build()));
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(Frames.frame(9).setModel("x").build());
            out.onCompleted();
            c.await();
            t.shutdownServer();
        }
        assertEquals(List.of(), events(), "warn and info lines are below --log-level error");
    }
}
