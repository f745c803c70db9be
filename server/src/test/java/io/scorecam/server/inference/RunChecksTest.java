package io.scorecam.server.inference;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunChecksTest {

    private final RunChecks checks = new RunChecks("m",
            List.of(new TensorInfo("frames", TensorInfo.ElementType.FLOAT, new long[] {-1, 3, 8, 8}),
                    new TensorInfo("index", TensorInfo.ElementType.INT64, new long[] {-1})),
            List.of(new TensorInfo("probs", TensorInfo.ElementType.FLOAT, new long[] {-1, 10}),
                    new TensorInfo("labels", TensorInfo.ElementType.OTHER, new long[0])));

    @Test
    void acceptsMatchingInputsWithAnyDynamicSize() {
        assertDoesNotThrow(() -> checks.checkInputs(Map.of("frames", FloatTensor.allocate(5, 3, 8, 8),
                "index", LongTensor.allocate(7))));
        assertDoesNotThrow(() -> checks.checkOutputs(List.of("probs")));
        assertDoesNotThrow(() -> checks.checkOutputs(List.of("probs"))); // remembered list, same answer
    }

    @Test
    void namesTheOffendingTensor() {
        assertMessage(() -> checks.checkInputs(Map.of("frames", FloatTensor.allocate(1, 3, 8, 8))),
                "m: input 'index' is missing; inputs are [frames, index]");
        assertMessage(() -> checks.checkInputs(Map.of("frames", FloatTensor.allocate(1, 3, 8, 9),
                "index", LongTensor.allocate(1))), "m: input 'frames' has shape [1, 3, 8, 9] but the model expects [-1, 3, 8, 8]");
        assertMessage(() -> checks.checkInputs(Map.of("frames", FloatTensor.allocate(1, 3, 8, 8),
                "index", FloatTensor.allocate(1))), "m: input 'index' must be INT64, got FLOAT");
        assertMessage(() -> checks.checkOutputs(List.of("labels")), "m: output 'labels' is OTHER");
        assertMessage(() -> checks.checkOutputs(List.of("logits")), "m: 'logits' is not an output of the model; outputs are [probs, labels]");
    }

    private static void assertMessage(Runnable call, String prefix) {
        ScoreCamException e = assertThrows(ScoreCamException.class, call::run);
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }
}
