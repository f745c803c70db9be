package io.scorecam.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Short replays against the shared in-process server, the scenario of a rare hang seen once in
 * ReplayCommandTest: a frame the server cannot decode first, then good frames (cache hits), over BLOCK, LATEST,
 * several streams and loops, each on a fresh connection. Every frame must be answered; an idle timeout fails
 * with a thread dump of client and server. (Raise -Dscorecam.stress.runs to hunt.)
 */
class ReplayStressTest {
    private static final int RUNS = Integer.getInteger("scorecam.stress.runs", 16);

    private static String server;
    private static List<Path> images;

    @BeforeAll
    static void startServer() throws IOException {
        server = TestModels.server().address();
        List<Path> all = TestModels.imagesOf(TestModels.frames());
        images = all.subList(0, Math.min(3, all.size()));
    }

    @Test
    void aBadFirstFrameNeverHangsTheStream(@TempDir Path tmp) throws Exception {
        Path frames = Files.createDirectories(tmp.resolve("in"));
        for (Path image : images) {
            Files.copy(image, frames.resolve(image.getFileName()));
        }
        byte[] good = Files.readAllBytes(images.get(0));
        Files.write(frames.resolve("000-truncated.png"), java.util.Arrays.copyOf(good, 40));
        for (int run = 0; run < RUNS; run++) {
            Path out = tmp.resolve("out-" + run);
            String[] extra = switch (run % 4) {
                case 0 -> new String[]{"--streams", "2", "--loop", "2", "--no-progress"};
                case 1 -> new String[]{"--top-k", "2", "--save-maps", "--no-progress"};
                case 2 -> new String[]{"--policy", "latest", "--loop", "3", "--progress"};
                default -> new String[]{"--no-progress"};
            };
            String[] base = {"replay", frames.toString(), "--server", server, "--out", out.toString(),
                    "--idle-timeout", "10"};
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                    .toArray(String[]::new);
            Cli cli = Cli.run(TestModels.fast(args));
            if (cli.exitCode() != 0) {
                fail("run " + run + " failed: " + cli); // an idle timeout comes with a thread dump
            }
        }
    }
}
