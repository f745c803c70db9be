package io.scorecam.server.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real probe against stand-ins for nvidia-smi (shell scripts) that print what nvidia-smi prints for
 * {@code --format=csv,noheader,nounits}, hang, fail, or print something else.
 */
class NvidiaSmiProbeTest {
    private static final double MIB = 1024.0 * 1024.0;

    @TempDir
    Path dir;

    /** A stand-in that also checks it was asked the query the parser expects. */
    static Path fakeSmi(Path dir, String body) throws IOException {
        Path script = dir.resolve("nvidia-smi-" + System.nanoTime());
        Files.writeString(script, "#!/bin/sh\n"
                + "[ \"$1\" = \"" + NvidiaSmiProbe.QUERY + "\" ] && [ \"$2\" = \"--format=csv,noheader,nounits\" ]"
                + " || { echo \"bad args: $*\"; exit 2; }\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static NvidiaSmiProbe probe(Path script, long timeoutMs) {
        return new NvidiaSmiProbe(script.toString(), Duration.ofMillis(timeoutMs));
    }

    @Test
    void readsEveryGpuInBytesAndAsARatio() throws Exception {
        Path smi = fakeSmi(dir, "printf '0, 1234, 15360, 17, Tesla T4\\n1, 0, 81559, 100, NVIDIA H100 80GB HBM3\\n'");
        List<GpuProbe.GpuSample> s = probe(smi, 5000).sample();
        assertEquals(2, s.size());
        assertEquals(new GpuProbe.GpuSample(0, "Tesla T4", 1234 * MIB, 15360 * MIB, 0.17), s.get(0));
        assertEquals(new GpuProbe.GpuSample(1, "NVIDIA H100 80GB HBM3", 0, 81559 * MIB, 1.0), s.get(1));
    }

    @Test
    void whatTheDriverCannotTellIsNaN() throws Exception {
        Path smi = fakeSmi(dir, "echo '0, 512, 4096, [N/A], NVIDIA T400'; echo '1, [Not Supported], 4096, 3, Quadro, P2000'");
        List<GpuProbe.GpuSample> s = probe(smi, 5000).sample();
        assertTrue(Double.isNaN(s.get(0).utilization()));
        assertEquals(512 * MIB, s.get(0).usedBytes());
        assertTrue(Double.isNaN(s.get(1).usedBytes()));
        assertEquals("Quadro, P2000", s.get(1).name(), "a comma in the name stays in the name");
    }

    @Test
    void aHungToolIsCutAtTheTimeout() throws Exception {
        Path smi = fakeSmi(dir, "exec sleep 30");
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> probe(smi, 300).sample());
        assertTrue(e.getMessage().contains("did not answer within 300 ms"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "returned at the timeout, not after the sleep");
    }

    @Test
    void aFailingMissingOrUnexpectedToolIsAnErrorThatSaysWhy() throws Exception {
        Path failing = fakeSmi(dir, "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        IOException e = assertThrows(IOException.class, () -> probe(failing, 5000).sample());
        assertTrue(e.getMessage().contains("exited with 9: NVIDIA-SMI has failed"), e.getMessage());

        Path garbage = fakeSmi(dir, "echo 'index, memory.used [MiB]'");
        e = assertThrows(IOException.class, () -> probe(garbage, 5000).sample());
        assertTrue(e.getMessage().contains("unexpected nvidia-smi line 'index, memory.used [MiB]'"), e.getMessage());

        assertThrows(IOException.class, () -> probe(dir.resolve("no-such-nvidia-smi"), 5000).sample());
    }
}
