package io.scorecam.loadtest.fidelity;

import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.SaliencyMap;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's aggregation: means over the maps that have the figure, n/a where none has it. */
class FidelityReportTest {
    private static SaliencyMap withMetrics(float drop, boolean increase, float deletion, float insertion) {
        return SaliencyMap.newBuilder().setFaithfulness(Faithfulness.newBuilder().setDrop(drop).setIncrease(increase)
                .setDeletionAuc(deletion).setInsertionAuc(insertion)).build();
    }

    @Test
    void meansAreOverTheMapsThatHaveEachFigure() {
        MethodFidelity f = new MethodFidelity();
        f.addMap(withMetrics(0.5f, false, 0.25f, 0.5f));
        f.addMap(withMetrics(0.0f, true, 0.75f, 1.0f));
        f.addMap(SaliencyMap.getDefaultInstance()); // no metrics: not averaged in as zeros
        f.addPearson(0.9);
        f.addPearson(0.6);
        f.addPearson(Double.NaN); // a constant map
        f.addPointing(true);
        f.addPointing(false);
        f.addPointing(true);
        f.addPointing(true);
        FidelityRow r = f.row("m", "RECIPRO_CAM", "SEED", 31.5);
        assertEquals(3, r.maps());
        assertEquals((0.9 + 0.6) / 2, r.pearson(), 1e-12);
        assertEquals(2, r.pearsonMaps());
        assertEquals(1, r.undefinedPearson());
        assertEquals(3 / 4.0, r.pointing(), 1e-12);
        assertEquals(4, r.pointingMaps());
        assertEquals(100 * (0.5 + 0.0) / 2, r.averageDropPct(), 1e-6);
        assertEquals(100 * 1 / 2.0, r.increasePct(), 1e-12);
        assertEquals((0.25 + 0.75) / 2, r.deletionAuc(), 1e-7);
        assertEquals((0.5 + 1.0) / 2, r.insertionAuc(), 1e-7);
        assertEquals(2, r.metricMaps());

        Map<String, String> line = fields(FidelityReport.line(r));
        assertEquals("RECIPRO_CAM", line.get("method"));
        assertEquals("0.7500", line.get("pearson"));
        assertEquals("0.7500", line.get("pointing"));
        assertEquals("25.000", line.get("avg_drop"));
        assertEquals("50.000", line.get("increase"));
        assertEquals("0.50000", line.get("del_auc"));
        assertEquals("0.75000", line.get("ins_auc"));
        assertEquals("31.500", line.get("fps"));
    }

    @Test
    void figuresWithoutDataAreNotAvailableNotZero() {
        MethodFidelity exact = new MethodFidelity();
        exact.addMap(SaliencyMap.getDefaultInstance());
        FidelityRow r = exact.row("shapes", "SCORE_CAM", "SEED", Double.NaN);
        Map<String, String> line = fields(FidelityReport.line(r));
        for (String key : List.of("pearson", "pointing", "avg_drop", "increase", "del_auc", "ins_auc", "fps")) {
            assertEquals("n/a", line.get(key), key);
        }
        String table = FidelityReport.table(List.of(r));
        assertTrue(table.lines().count() == 2 && table.contains("SCORE_CAM") && table.contains("n/a"), table);
    }

    @Test
    void tableColumnsFitLongModelNames() {
        FidelityRow r = new MethodFidelity().row("mobilenetv2-12-int8", "EIGEN_CAM", "SEED", 40);
        List<String> lines = FidelityReport.table(List.of(r)).lines().toList();
        assertEquals(lines.get(0).indexOf("method"), lines.get(1).indexOf("EIGEN_CAM"), String.join("\n", lines));
        assertEquals(lines.get(0).length(), lines.get(1).length(), String.join("\n", lines));
    }

    static Map<String, String> fields(String line) {
        assertTrue(line.startsWith("FIDELITY "), line);
        Map<String, String> f = new LinkedHashMap<>();
        for (String token : line.substring(line.indexOf(' ') + 1).split(" ")) {
            int eq = token.indexOf('=');
            f.put(token.substring(0, eq), token.substring(eq + 1));
        }
        return f;
    }
}
