package io.scorecam.server.metrics;

import java.io.IOException;
import java.nio.file.Path;

/** TEST ONLY: the nvidia-smi stand-in for tests in other packages. */
public final class NvidiaSmiProbeTestAccess {
    private NvidiaSmiProbeTestAccess() {
    }

    public static Path fakeSmi(Path dir, String body) throws IOException {
        return NvidiaSmiProbeTest.fakeSmi(dir, body);
    }
}
