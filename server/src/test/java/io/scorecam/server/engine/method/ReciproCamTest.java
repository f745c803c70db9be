package io.scorecam.server.engine.method;

import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.HeadPass;
import io.scorecam.server.engine.pass.ScoreRow;
import io.scorecam.server.engine.pass.LayerShape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Recipro-CAM's side of the seam: every cell scored, and the finisher yielding the authors' min-max map. */
class ReciproCamTest {
    private static final LayerShape LAYER = new LayerShape(6, 3, 4);
    private static final FrameFeatures FRAME = new FrameFeatures(new float[1], new float[6 * 12], new float[2],
            new float[2], new float[6], new float[6]);

    @Test
    void scoresEveryCellWithHeadPasses() {
        ReciproCam method = new ReciproCam();
        SaliencyMethod.Need<?> need = method.need(FRAME, LAYER, new MethodParams(Convention.SEED, 2));
        assertInstanceOf(HeadPass.Rows.class, need.pass(), "head passes");
        assertFalse(method.classAgnostic());
        int[] cells = need.rows();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, cells);
    }

    @Test
    void finishedLayerMapIsTheAuthorsMinMaxNormalisation() {
        Random random = new Random(3);
        ScoreRow[] rows = new ScoreRow[12];
        double[][] p = new double[12][2];
        for (int b = 0; b < 12; b++) {
            float[] scores = {random.nextFloat(), random.nextFloat()};
            p[b][0] = scores[0];
            p[b][1] = scores[1];
            rows[b] = new ScoreRow(scores, 0, 0);
        }
        ReciproCam method = new ReciproCam();
        int[] cells = method.need(FRAME, LAYER, new MethodParams(Convention.SEED, 0)).rows();
        for (int c = 0; c < 2; c++) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int b = 0; b < 12; b++) {
                min = Math.min(min, p[b][c]);
                max = Math.max(max, p[b][c]);
            }
            float[] layerMap = method.layerMap(FRAME, LAYER, rows, cells, c, Convention.SEED);
            for (Convention convention : Convention.values()) {
                float[] done = MapFinisher.finish(layerMap, 4, 3, 32, 24, convention, true).values();
                for (int b = 0; b < 12; b++) {
                    // cam = (cam - cam.min()) / (cam.max() - cam.min()), GRAD_CAM_LIB's +1e-7 aside
                    assertEquals((p[b][c] - min) / (max - min), done[b], 2e-6, convention + " cell " + b);
                }
            }
        }
    }

    @Test
    void aConstantMapFinishesAsZerosNotNaN() {
        ScoreRow[] rows = new ScoreRow[12];
        for (int b = 0; b < 12; b++) {
            rows[b] = new ScoreRow(new float[] {0.3f, 0.7f}, 0, 0);
        }
        ReciproCam method = new ReciproCam();
        float[] layerMap = method.layerMap(FRAME, LAYER, rows, method.need(FRAME, LAYER,
                new MethodParams(Convention.SEED, 0)).rows(), 1, Convention.SEED);
        float[] done = MapFinisher.finish(layerMap, 4, 3, 32, 24, Convention.SEED, false).values();
        for (float v : done) {
            assertEquals(0f, v);
        }
    }
}
