package io.scorecam.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code load} for about a second against a real in-process server on loopback. */
class LoadCommandTest {
    @TempDir
    static Path dir;
    static InProcessServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new InProcessServer(TinyModel.write(dir), List.of("--batch-size=8", "--warmup-ms=0"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void openLoopReportsEveryFrameAndPerFrameLatency() throws Exception {
        Path json = dir.resolve("open.json");
        String out = runLoad("--server=" + server.address(), "--metrics=" + server.metricsUrl(), "--streams=2",
                "--fps=15", "--duration=1", "--top-k=2", "--json=" + json);
        Map<String, String> s = summary(out);
        assertEquals("open", s.get("mode"));
        long sent = Long.parseLong(s.get("sent"));
        long ok = Long.parseLong(s.get("ok"));
        // 2 streams x 15 fps x 1 s, on a schedule: 30 frames due (give or take the last tick)
        assertTrue(sent >= 25 && sent <= 32, out);
        assertTrue(ok > 0, out);
        assertEquals(sent, ok + Long.parseLong(s.get("skipped")) + Long.parseLong(s.get("errors")), out);
        assertLatenciesOrdered(s, out);
        assertTrue(out.contains("latency ms (uncorrected"), out);
        // the scrape saw the engine's batches
        assertTrue(out.contains("scoring-SEED="), out);

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(ok, doc.at("/frames/ok").asLong());
        assertEquals(TinyModel.CHANNELS + 1.0, doc.at("/frames/mean_forward_passes").asDouble(), 1e-9,
                "unique frames: every frame costs K masked passes + the feature pass");
        assertEquals(ok, doc.at("/latency_ms/count").asLong());
        assertTrue(doc.at("/server/meanBatchSize").size() > 0, doc.toString());
    }

    @Test
    void closedLoopKeepsItsWindowAndAnswersEverything() {
        String out = runLoad("--server=" + server.address(), "--streams=2", "--window=3", "--frame-count=12",
                "--output=VALUES");
        Map<String, String> s = summary(out);
        assertEquals("closed", s.get("mode"));
        assertEquals("24", s.get("sent"), out);
        assertEquals("24", s.get("ok"), out);
        assertLatenciesOrdered(s, out);
    }

    @Test
    void latestPolicyCountsSkippedFrames() {
        // far more frames than the server explains: under LATEST the extra ones come back SKIPPED
        String out = runLoad("--server=" + server.address(), "--streams=1", "--fps=2000", "--duration=0.5",
                "--policy=LATEST");
        Map<String, String> s = summary(out);
        long sent = Long.parseLong(s.get("sent"));
        long answered = Long.parseLong(s.get("ok")) + Long.parseLong(s.get("skipped")) + Long.parseLong(s.get("errors"));
        assertEquals(sent, answered, out);
        assertEquals("0", s.get("errors"), out);
    }

    private static void assertLatenciesOrdered(Map<String, String> s, String out) {
        double p50 = Double.parseDouble(s.get("p50_ms"));
        double p95 = Double.parseDouble(s.get("p95_ms"));
        double p99 = Double.parseDouble(s.get("p99_ms"));
        double max = Double.parseDouble(s.get("max_ms"));
        assertTrue(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 <= max, out);
    }

    /** Runs {@code load} in-process; its report, after asserting exit code 0 (LoadFaithfulnessTest uses it too). */
    static String runLoad(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int code = new CommandLine(new LoadCommand().printTo(print)).setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        String out = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(0, code, out);
        return out;
    }

    private static Map<String, String> summary(String out) {
        return BenchSmokeTest.fields(out.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst()
                .orElseThrow(() -> new AssertionError("no SUMMARY line:\n" + out)));
    }
}
