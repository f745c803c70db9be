package io.scorecam.server.inference;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceSpecTest {

    @Test
    void parsesTheThreeForms() {
        assertEquals(DeviceSpec.CPU, DeviceSpec.parse("cpu"));
        assertFalse(DeviceSpec.parse(" CPU ").isCuda());
        assertEquals(DeviceSpec.cuda(0), DeviceSpec.parse("cuda"));
        assertEquals(DeviceSpec.cuda(3), DeviceSpec.parse("cuda:3"));
        assertEquals(DeviceSpec.cuda(12), DeviceSpec.parse("CUDA:12"));
        assertEquals("cuda:3", DeviceSpec.parse("cuda:3").toString());
        assertEquals("cpu", DeviceSpec.CPU.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "gpu", "cuda:", "cuda:-1", "cuda:x", "cuda:1:2", "cpu:0", "cuda 1", "cuda:99999"})
    void rejectsEverythingElseNamingIt(String text) {
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> DeviceSpec.parse(text));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("cpu, cuda"), e.getMessage());
    }

    @Test
    void backendOptionsDefaultsAndLimits() {
        BackendOptions o = BackendOptions.defaults();
        assertEquals(DeviceSpec.CPU, o.device());
        assertEquals(Runtime.getRuntime().availableProcessors(), o.intraOpThreads());
        assertEquals(1, o.interOpThreads());
        assertEquals(BackendOptions.GraphOptimization.ALL, o.optimization());
        assertEquals(BackendOptions.ExecutionMode.SEQUENTIAL, o.executionMode());
        assertEquals(DeviceSpec.cuda(1), o.withDevice(DeviceSpec.cuda(1)).device());
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> o.withIntraOpThreads(0));
        assertTrue(e.getMessage().contains("intra-op threads"), e.getMessage());
    }
}
