package io.scorecam.server.model;

import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model.json's per-model request defaults: method, convention, max_channels, top_k. */
class ModelDefaultsJsonTest {
    @TempDir
    Path tmp;

    private static String with(String extra) {
        return ModelConfigTest.MINIMAL.substring(0, ModelConfigTest.MINIMAL.length() - 1) + ", " + extra + "}";
    }

    @Test
    void readsTheDefaultsCaseInsensitively() throws IOException {
        ModelConfig c = ModelConfig.load(ModelConfigTest.model(tmp, "m",
                with("\"method\": \"faster_score_cam\", \"convention\": \"Grad_Cam_Lib\", \"max_channels\": 12, \"top_k\": 3")));
        assertEquals(new ModelConfig.Defaults("FASTER_SCORE_CAM", "GRAD_CAM_LIB", 12, 3), c.defaults());
    }

    @Test
    void absentKeysLeaveTheServersDefaults() throws IOException {
        ModelConfig c = ModelConfig.load(ModelConfigTest.model(tmp, "m", ModelConfigTest.MINIMAL));
        assertEquals(ModelConfig.Defaults.NONE, c.defaults());
        ModelConfig half = ModelConfig.load(ModelConfigTest.model(tmp, "n", with("\"top_k\": 4")));
        assertEquals(new ModelConfig.Defaults(null, null, null, 4), half.defaults());
    }

    @Test
    void badValuesNameTheFileTheKeyAndTheChoices() throws IOException {
        String[][] cases = {
                {"\"method\": \"GRAD_CAM\"", "method must be one of [SCORE_CAM, FASTER_SCORE_CAM, RECIPRO_CAM, EIGEN_CAM, SS_CAM, IS_CAM], got \"GRAD_CAM\""},
                {"\"convention\": 3", "convention must be a string, got 3"},
                {"\"max_channels\": 0", "max_channels must be between 1 and 65536, got 0"},
                {"\"top_k\": 1001", "top_k must be between 1 and 1000, got 1001"},
                {"\"top_k\": 2.5", "top_k must be an integer"},
        };
        int i = 0;
        for (String[] c : cases) {
            Path dir = ModelConfigTest.model(tmp, "bad" + i++, with(c[0]));
            ScoreCamException e = assertThrows(ScoreCamException.class, () -> ModelConfig.load(dir));
            assertTrue(e.getMessage().startsWith(dir.resolve("model.json") + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
