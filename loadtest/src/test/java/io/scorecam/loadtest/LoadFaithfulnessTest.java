package io.scorecam.loadtest;

import io.scorecam.server.testing.CannedExplainServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.SaliencyMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code load --faithfulness} against a fake server: the requests ask for metrics, and the report's means are
 * over the maps that carry them. Every odd frame id gets drop 0.2 with an increase, every even one drop 0.6
 * without; each frame's second map has no metrics.
 */
class LoadFaithfulnessTest {
    private CannedExplainServer server;
    private List<ExplainRequest> received;

    @BeforeEach
    void start() throws IOException {
        server = CannedExplainServer.start(LoadFaithfulnessTest::answer, ListModelsResponse.newBuilder().addModels(ModelInfo.newBuilder()
                .setName("fake").setInputWidth(8).setInputHeight(8).setIsDefault(true)).build());
        received = server.received;
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private static ExplainResponse answer(ExplainRequest request) {
        boolean odd = request.getFrameId() % 2 == 1;
        Faithfulness f = Faithfulness.newBuilder().setDrop(odd ? 0.2f : 0.6f).setIncrease(odd)
                .setDeletionAuc(odd ? 0.1f : 0.3f).setInsertionAuc(odd ? 0.8f : 0.4f).build();
        return ExplainResponse.newBuilder().setFrameId(request.getFrameId()).setStatus(FrameStatus.OK)
                .setForwardPasses(1)
                .addMaps(SaliencyMap.newBuilder().setClassId(1).setFaithfulness(f))
                .addMaps(SaliencyMap.newBuilder().setClassId(2)).build();
    }

    @Test
    void reportAveragesTheMapsWithMetrics(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("load.json");
        String out = LoadCommandTest.runLoad("--server=127.0.0.1:" + server.port(), "--streams=1", "--window=1",
                "--frame-count=4", "--faithfulness", "--metric-steps=16", "--json=" + json);
        assertEquals(4, received.size(), out);
        for (ExplainRequest r : received) {
            assertTrue(r.getWantMetrics());
            assertEquals(16, r.getMetricSteps());
        }
        // frame ids of stream 0 are 0..3: two odd, two even
        Map<String, String> f = BenchSmokeTest.fields(out.lines().filter(l -> l.startsWith("FAITHFULNESS "))
                .findFirst().orElseThrow(() -> new AssertionError("no FAITHFULNESS line:\n" + out)));
        assertEquals("4", f.get("maps"));
        assertEquals("4", f.get("maps_without_metrics"));
        assertEquals(100 * (0.2 + 0.6) / 2, Double.parseDouble(f.get("avg_drop")), 1e-3);
        assertEquals(50.0, Double.parseDouble(f.get("increase")), 1e-9);
        assertEquals((0.1 + 0.3) / 2, Double.parseDouble(f.get("del_auc")), 1e-5);
        assertEquals((0.8 + 0.4) / 2, Double.parseDouble(f.get("ins_auc")), 1e-5);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, doc.at("/faithfulness/maps").asLong());
        assertEquals(40.0, doc.at("/faithfulness/average_drop_pct").asDouble(), 1e-3);
        assertTrue(doc.at("/setup/want_metrics").asBoolean());
    }

    @Test
    void withoutTheFlagNoMetricsAreAsked() {
        String out = LoadCommandTest.runLoad("--server=127.0.0.1:" + server.port(), "--streams=1", "--frame-count=2");
        assertTrue(received.stream().noneMatch(ExplainRequest::getWantMetrics));
        // the fake server sends metrics anyway: the report shows what came back
        assertTrue(out.contains("FAITHFULNESS maps=2 "), out);
    }
}
