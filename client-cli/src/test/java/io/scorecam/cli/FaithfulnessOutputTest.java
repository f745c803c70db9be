package io.scorecam.cli;

import io.scorecam.server.testing.CannedExplainServer;
import io.scorecam.cli.errors.CliException;
import com.fasterxml.jackson.databind.JsonNode;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.SaliencyMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --metrics and --metric-steps against a fake server that answers canned Faithfulness: the requests carry the
 * flags, results.jsonl carries the fields, and the summary's Average Drop, Increase in Confidence and mean AUCs
 * are computed over the maps that have metrics only.
 */
class FaithfulnessOutputTest {
    /** Frame 1: two maps with metrics (the second class-agnostic); frame 2: one with metrics, one without. */
    private static final float[][] CANNED = { // drop, increase (1/0), deletion AUC, insertion AUC
            {0.10f, 0, 0.20f, 0.70f}, {0.30f, 1, 0.40f, 0.50f},
            {0.20f, 0, 0.10f, 0.90f}};

    private CannedExplainServer server;
    private List<ExplainRequest> received;

    @BeforeEach
    void start() throws IOException {
        server = CannedExplainServer.start(FaithfulnessOutputTest::answer, null);
        received = server.received;
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private static ExplainResponse answer(ExplainRequest request) {
        int first = request.getFrameId() == 1 ? 0 : 2;
        return ExplainResponse.newBuilder().setFrameId(request.getFrameId()).setStatus(FrameStatus.OK)
                .addMaps(map(3, CANNED[first], false))
                .addMaps(request.getFrameId() == 1 ? map(4, CANNED[1], true)
                        : SaliencyMap.newBuilder().setClassId(4).setWidth(1).setHeight(1).build())
                .build();
    }

    private static SaliencyMap map(int classId, float[] c, boolean agnostic) {
        Faithfulness f = Faithfulness.newBuilder().setOriginalScore(0.8f).setExplanationScore(0.8f * (1 - c[0]))
                .setDrop(c[0]).setIncrease(c[1] > 0).setDeletionAuc(c[2]).setInsertionAuc(c[3])
                .addDeletionCurve(0.8f).addDeletionCurve(0f).addInsertionCurve(0.1f).addInsertionCurve(0.8f).build();
        return SaliencyMap.newBuilder().setClassId(classId).setWidth(1).setHeight(1).setClassAgnostic(agnostic)
                .setFaithfulness(f).build();
    }

    private String address() {
        return "127.0.0.1:" + server.port();
    }

    @Test
    void replaySummaryAveragesTheMapsThatHaveMetrics(@TempDir Path tmp) throws IOException {
        Path frames = Files.createDirectories(tmp.resolve("in"));
        Files.write(frames.resolve("a.png"), TinyPng.bytes());
        Files.write(frames.resolve("b.png"), TinyPng.bytes());
        Path out = tmp.resolve("out");
        Cli cli = Cli.run("replay", frames.toString(), "--server", address(), "--metrics", "--metric-steps", "8",
                "--out", out.toString(), "--no-progress");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(2, received.size());
        for (ExplainRequest r : received) {
            assertTrue(r.getWantMetrics(), r::toString);
            assertEquals(8, r.getMetricSteps());
        }
        double drop = 100 * (CANNED[0][0] + CANNED[1][0] + CANNED[2][0]) / 3;
        double increase = 100.0 / 3;
        double deletion = (CANNED[0][2] + CANNED[1][2] + CANNED[2][2]) / 3;
        double insertion = (CANNED[0][3] + CANNED[1][3] + CANNED[2][3]) / 3;
        assertEquals(drop, number(cli.out(), "average drop"), 0.006, cli::toString);
        assertEquals(increase, number(cli.out(), "increase in conf"), 0.006, cli::toString);
        assertEquals(deletion, number(cli.out(), "deletion AUC"), 1e-4, cli::toString);
        assertEquals(insertion, number(cli.out(), "insertion AUC"), 1e-4, cli::toString);
        assertTrue(cli.out().contains("3 maps (1 more came without metrics)"), cli::toString);

        List<JsonNode> lines = ReplayCommandTest.results(out);
        JsonNode agnostic = lines.get(0).get("classes").get(1);
        assertTrue(agnostic.get("class_agnostic").asBoolean(), agnostic::toString);
        JsonNode f = agnostic.get("faithfulness");
        assertEquals(CANNED[1][0], f.get("drop").floatValue(), 1e-7);
        assertTrue(f.get("increase").asBoolean());
        assertEquals(CANNED[1][2], f.get("deletion_auc").floatValue(), 1e-7);
        assertEquals(CANNED[1][3], f.get("insertion_auc").floatValue(), 1e-7);
        assertEquals(2, f.get("deletion_curve").size());
        assertEquals(0.8f, f.get("original_score").floatValue(), 1e-7);
        assertFalse(lines.get(0).get("classes").get(0).has("class_agnostic"), lines.get(0)::toString);
        assertFalse(lines.get(1).get("classes").get(1).has("faithfulness"), lines.get(1)::toString);
    }

    @Test
    void explainPrintsMetricsAndClassAgnosticPerMap(@TempDir Path tmp) throws IOException {
        Path image = tmp.resolve("a.png");
        Files.write(image, TinyPng.bytes());
        Cli cli = Cli.run("explain", image.toString(), "--server", address(), "--metrics",
                "--out", tmp.resolve("out").toString());
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(received.get(0).getWantMetrics());
        assertEquals(0, received.get(0).getMetricSteps(), "0: the server's default");
        List<String> maps = cli.out().lines().filter(l -> l.startsWith("  map of class")).toList();
        assertEquals(List.of("  map of class 3 (): 1x1", "  map of class 4 (): 1x1 (class-agnostic)"), maps, cli::toString);
        assertTrue(cli.out().contains(String.format(Locale.ROOT, "drop %.2f %%, increase yes; deletion AUC %.4f, "
                + "insertion AUC %.4f", 100 * CANNED[1][0], CANNED[1][2], CANNED[1][3])), cli::toString);
    }

    @Test
    void metricStepsAreCheckedBeforeConnecting() {
        Cli outOfRange = Cli.run("explain", "x.png", "--server", address(), "--metrics", "--metric-steps", "300");
        assertEquals(CliException.USAGE, outOfRange.exitCode(), outOfRange::toString);
        assertTrue(outOfRange.err().contains("--metric-steps must be 1..256, got 300"), outOfRange::toString);
        Cli alone = Cli.run("explain", "x.png", "--server", address(), "--metric-steps", "8");
        assertEquals(CliException.USAGE, alone.exitCode(), alone::toString);
        assertTrue(alone.err().contains("--metric-steps needs --metrics"), alone::toString);
        assertTrue(received.isEmpty());
    }

    private static double number(String out, String row) {
        Matcher m = Pattern.compile("  " + Pattern.quote(row) + "\\s+([0-9.]+)").matcher(out);
        assertTrue(m.find(), "no '" + row + "' row in\n" + out);
        return Double.parseDouble(m.group(1));
    }
}
