package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scorecam models} and {@code scorecam explain} against a real in-process server. */
class ExplainAndModelsTest {
    @Test
    void modelsListsEveryModelOfTheRepository() throws IOException {
        Cli cli = Cli.run("models", "--server", TestModels.server().address());
        assertEquals(0, cli.exitCode(), cli::toString);
        try (Stream<Path> dirs = Files.list(TestModels.repository())) {
            List<String> names = dirs.filter(d -> Files.isRegularFile(d.resolve("model.json")))
                    .map(d -> d.getFileName().toString()).toList();
            for (String name : names) {
                assertTrue(cli.out().contains(name), cli::toString);
            }
            // the bundled model's head splits off: every method is offered
            assertTrue(cli.out().contains("SCORE_CAM,FASTER_SCORE_CAM,RECIPRO_CAM,EIGEN_CAM"), cli::toString);
        }
        assertTrue(cli.out().contains("(default)"), cli::toString);
        assertTrue(cli.out().contains(" READY "), cli::toString); // per-model state column
        assertTrue(cli.out().startsWith("MODEL"), cli::toString);
    }

    @Test
    void explainPrintsTopClassesWritesOverlaysAndSkipsMissingFiles(@TempDir Path tmp) throws IOException {
        List<Path> images = TestModels.imagesOf(TestModels.frames());
        Path image = images.get(0);
        Path out = tmp.resolve("out");
        Cli cli = Cli.run(TestModels.fast("explain", image.toString(), tmp.resolve("missing.png").toString(),
                "--server", TestModels.server().address(), "--top-k", "3", "--out", out.toString()));
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("warning: skipping " + tmp.resolve("missing.png") + ": no such file"), cli::toString);
        assertTrue(cli.out().contains(image.getFileName() + ": "), cli::toString);
        assertEquals(3, cli.out().lines().filter(l -> l.startsWith("  map of class")).count(), cli::toString);
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertEquals(1, lines.size());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals(3, line.get("classes").size());
        for (JsonNode c : line.get("classes")) {
            assertNotNull(ImageIO.read(out.resolve(c.get("overlay").asText()).toFile()));
        }
    }
}
