package io.scorecam.server.inference.ort;

import io.scorecam.server.inference.BackendOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CPU server starts without DJL's "Failed to find CUDA shared provider" warning (a fresh JVM: logging is set up once). */
class NoCudaWarningTest {

    /** The child JVM: opens the CPU backend and a session, the way the server starts. */
    public static void main(String[] args) throws Exception {
        try (DjlOrtBackend backend = new DjlOrtBackend(BackendOptions.defaults())) {
            backend.open(java.nio.file.Files.readAllBytes(Path.of(args[0])), "tiny").close();
        }
        System.out.println("backend opened");
    }

    @Test
    void aCpuBackendLogsNoCudaWarning() throws Exception {
        Path model = Path.of(NoCudaWarningTest.class.getResource("/fixtures/tiny_cnn.onnx").toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-Dai.djl.onnx.disable_alternative=true",
                NoCudaWarningTest.class.getName(), model.toString()))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("backend opened"), out);
        assertFalse(out.contains("CUDA"), out);
    }
}
