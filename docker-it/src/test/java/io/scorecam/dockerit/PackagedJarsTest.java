package io.scorecam.dockerit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fat jars as a user runs them, from a directory that is not the repository: README's demo command and
 * the server's --version. Runs after `package` (this module comes last in the reactor); skips without the jars.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class PackagedJarsTest {
    private static final Path ROOT = ServerImageTest.repoRoot(Path.of(System.getProperty("scorecam.repo.root", ".")));

    @Test
    void demoRunsFromAnyDirectoryWithTheModelInsideTheJar(@TempDir Path elsewhere) throws Exception {
        Path jar = ROOT.resolve("client-cli/target/scorecam.jar");
        assumeTrue(Files.isRegularFile(jar), "no " + jar + " (run mvn package): skipped");
        assertFalse(Files.exists(elsewhere.resolve("models")));
        Run demo = run(elsewhere, "-jar", jar.toString(), "demo", "--limit", "3", "--method", "FASTER_SCORE_CAM",
                "--max-channels", "8");
        assertEquals(0, demo.exit(), demo.output());
        assertTrue(demo.output().contains("the models built into scorecam.jar"), demo.output());
        assertTrue(demo.output().contains("(OK 3, SKIPPED 0, ERROR 0)"), demo.output());
        Path out = elsewhere.resolve("scorecam-demo");
        assertEquals(3, Files.readAllLines(out.resolve("results.jsonl")).size(), demo.output());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(3, summary.at("/frames/ok").asInt(), summary::toString);
        try (var files = Files.list(elsewhere)) {
            assertEquals(List.of(out), files.toList(), "the demo leaves only its output in the working directory");
        }
    }

    @Test
    void serverJarPrintsItsVersion(@TempDir Path elsewhere) throws Exception {
        Path jar = ROOT.resolve("server/target/scorecam-server.jar");
        assumeTrue(Files.isRegularFile(jar), "no " + jar + " (run mvn package): skipped");
        Run version = run(elsewhere, "-jar", jar.toString(), "--version");
        assertEquals(0, version.exit(), version.output());
        List<String> lines = version.output().strip().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("scorecam-server \\d+\\.\\d+\\.\\d+\\S*"), version.output());
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, String... javaArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.onnx.disable_alternative=true"));
        cmd.addAll(List.of(javaArgs));
        Path log = Files.createTempFile("scorecam-jar", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(8, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Run(-1, "timed out: " + cmd + "\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), cmd + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
