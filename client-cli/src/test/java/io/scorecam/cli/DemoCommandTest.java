package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scorecam demo} end to end: its own embedded server, the bundled frames, overlays on disk. */
class DemoCommandTest {
    @Test
    void demoServesReplaysAndWritesOverlays(@TempDir Path tmp) throws Exception {
        Path repository = TestModels.repository();
        Path out = tmp.resolve("scorecam-demo");
        Cli cli = Cli.run(TestModels.fast("demo", "--model-dir", repository.toString(), "--out", out.toString(),
                "--limit", "2"));
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.out().contains("(OK 2, SKIPPED 0, ERROR 0)"), cli::toString);
        assertTrue(cli.out().contains(out.toAbsolutePath().normalize().toString()), cli::toString);
        List<JsonNode> lines = ReplayCommandTest.results(out);
        assertEquals(2, lines.size());
        for (JsonNode line : lines) {
            assertEquals("OK", line.get("status").asText());
            for (JsonNode c : line.get("classes")) {
                assertNotNull(ImageIO.read(out.resolve(c.get("overlay").asText()).toFile()));
                assertTrue(Files.isRegularFile(out.resolve(c.get("npy").asText())));
            }
        }
    }

    @Test
    void demoCarriesItsOwnModelAndFrames(@TempDir Path tmp) throws Exception {
        // surefire runs in client-cli/, which has no models/: the old demo failed here ("run from the repository root")
        assertFalse(Files.exists(Path.of("models")), "the working directory must not hold models/ for this test");
        Path out = tmp.resolve("demo-out");
        Cli cli = Cli.run(TestModels.fast("demo", "--out", out.toString(), "--limit", "2"));
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.out().contains("the models built into scorecam.jar"), cli::toString);
        assertTrue(cli.out().contains("(OK 2, SKIPPED 0, ERROR 0)"), cli::toString);
        assertEquals(2, ReplayCommandTest.results(out).size());
    }

    @Test
    void demoWithoutModelsSaysWhereItLooked(@TempDir Path tmp) {
        Cli cli = Cli.run("demo", "--model-dir", tmp.resolve("models").toString());
        assertEquals(2, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("model directory"), cli::toString);
        assertEquals(1, cli.err().strip().lines().count(), cli::toString);
    }
}
