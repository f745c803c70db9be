package io.scorecam.server.engine.api;

import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelDefaultsTest {

    @Test
    void theNamesModelJsonAcceptsAreTheEnginesMethodsAndConventions() {
        assertEquals(Methods.ids().stream().map(Enum::name).toList(), ModelConfig.Defaults.METHODS);
        assertEquals(Arrays.stream(Convention.values()).map(Enum::name).toList(), ModelConfig.Defaults.CONVENTIONS);
    }

    @Test
    void modelJsonValuesOverrideTheServersOnlyWhereSet() {
        assertEquals(new ModelDefaults(Method.SCORE_CAM, Convention.SEED, 32, 1),
                ModelDefaults.of(ModelConfig.Defaults.NONE, 32));
        assertEquals(new ModelDefaults(Method.EIGEN_CAM, Convention.SEED, 7, 1),
                ModelDefaults.of(new ModelConfig.Defaults("EIGEN_CAM", null, 7, null), 32));
    }
}
