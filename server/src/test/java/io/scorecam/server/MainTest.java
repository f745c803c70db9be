package io.scorecam.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs Main in a child JVM: a bad start must be one clear line on stderr and a non-zero exit. */
class MainTest {

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Main did not exit");
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Run r, String... words) {
        assertNotEquals(0, r.exit());
        String err = r.stderr().strip();
        assertFalse(err.contains("\n"), "one line, no stack trace: " + err);
        for (String w : words) {
            assertTrue(err.contains(w), err + " should mention " + w);
        }
    }

    @Test
    void unknownFlag() throws Exception {
        assertOneLineError(run("--no-such-flag"), "--no-such-flag");
    }

    @Test
    void badValue() throws Exception {
        assertOneLineError(run("--stream-window=-3"), "--stream-window");
    }

    @Test
    void missingModelDirectory() throws Exception {
        assertOneLineError(run("--model-dir=does-not-exist-here", "--port=0", "--metrics-port=off"),
                "--model-dir", "does-not-exist-here");
    }

    @Test
    void modelDirectoryWithoutModels() throws Exception {
        Path empty = Files.createTempDirectory("scorecam-empty-models");
        try {
            assertOneLineError(run("--model-dir=" + empty, "--port=0", "--metrics-port=off"), "no model");
        } finally {
            Files.delete(empty);
        }
    }

    @Test
    void versionPrintsTheVersionNotTheUsage() throws Exception {
        Run r = run("--version");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("scorecam-server " + io.scorecam.server.config.BuildInfo.version(), r.stdout().strip());
        assertFalse(r.stdout().contains("--stream-window"), r.stdout());
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        Run r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.stdout().contains("--stream-window"));
    }
}
