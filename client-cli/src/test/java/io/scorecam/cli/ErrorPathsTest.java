package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client-side problems: one clear line on stderr, a non-zero exit, never a stack trace. */
class ErrorPathsTest {
    @Test
    void missingFolder(@TempDir Path tmp) {
        Cli cli = Cli.run("replay", tmp.resolve("nope").toString(), "--server", "127.0.0.1:1");
        assertOneLineError(cli, 1, "does not exist");
    }

    @Test
    void emptyFolder(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "not an image");
        Cli cli = Cli.run("replay", tmp.toString(), "--server", "127.0.0.1:1");
        assertOneLineError(cli, 1, "holds no .jpg, .jpeg or .png file");
    }

    @Test
    void aFileThatIsNeitherAFolderNorAVideo(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a.png"), "x");
        Cli cli = Cli.run("replay", file.toString(), "--server", "127.0.0.1:1");
        assertOneLineError(cli, 1, "video " + file + ": "); // FFmpeg's reason follows
    }

    @Test
    void onlyUnreadableFiles(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("fake.jpg"), "plain text with a .jpg name");
        Cli cli = Cli.run("replay", tmp.toString(), "--server", "127.0.0.1:1");
        assertEquals(1, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("warning: skipping fake.jpg: not a JPEG or PNG file"), cli::toString);
        assertTrue(cli.err().contains("none of the 1 image files could be read"), cli::toString);
        assertTrue(cli.errHasNoStackTrace(), cli::toString);
    }

    @Test
    void serverUnreachable(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("a.png"), TinyPng.bytes());
        Cli cli = Cli.run("replay", tmp.toString(), "--server", "127.0.0.1:" + freePort(), "--no-progress");
        assertOneLineError(cli, 1, "cannot reach 127.0.0.1:");
        Cli models = Cli.run("models", "--server", "127.0.0.1:" + freePort());
        assertOneLineError(models, 1, "is the server running?");
    }

    @Test
    void badFlags(@TempDir Path tmp) {
        String dir = tmp.toString();
        assertOneLineError(Cli.run("replay", dir, "--frobnicate"), 2, "Unknown option: '--frobnicate'");
        assertOneLineError(Cli.run("replay", dir, "--fps", "fast"), 2, "--fps");
        assertOneLineError(Cli.run("replay", dir, "--fps", "-2"), 2, "--fps must be >= 0");
        assertOneLineError(Cli.run("replay", dir, "--streams", "0"), 2, "--streams must be 1..1024");
        assertOneLineError(Cli.run("replay", dir, "--method", "GRADCAM"), 2, "--method 'GRADCAM' is not one of SCORE_CAM");
        assertOneLineError(Cli.run("replay", dir, "--policy", "DROP"), 2, "--policy 'DROP' is not one of BLOCK, LATEST");
        assertOneLineError(Cli.run("replay", dir, "--save-maps"), 2, "--save-maps needs --out");
        assertOneLineError(Cli.run("replay", dir, "--server", "nohostport"), 2, "must be HOST:PORT");
        assertOneLineError(Cli.run("replay", dir, "--classes", "3,x"), 2, "--classes");
        assertOneLineError(Cli.run("replay", dir, "--ca", tmp.resolve("missing.pem").toString()), 2, "--ca");
        assertOneLineError(Cli.run("teleport"), 2, "teleport");
        assertOneLineError(Cli.run(), 2, "missing command");
    }

    @Test
    void unreadableFilesAreSkippedWithAWarningAndTheRestReplayed(@TempDir Path tmp) throws IOException {
        String server = TestModels.server().address();
        Path frames = Files.createDirectories(tmp.resolve("in"));
        Path good = TestModels.imagesOf(TestModels.frames()).get(0);
        Files.copy(good, frames.resolve("b-good" + good.getFileName().toString().replaceAll("^.*(\\.[^.]+)$", "$1")));
        Files.writeString(frames.resolve("a-fake.png"), "not a png");
        Files.createDirectories(frames.resolve("c-folder.jpg")); // a name that looks like a frame but cannot be read
        Path out = tmp.resolve("out");
        Cli cli = Cli.run(TestModels.fast("replay", frames.toString(), "--server", server, "--out", out.toString(),
                "--no-progress"));
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("warning: skipping a-fake.png: not a JPEG or PNG file"), cli::toString);
        assertTrue(cli.err().contains("warning: skipping c-folder.jpg: cannot read it"), cli::toString);
        assertTrue(cli.errHasNoStackTrace(), cli::toString);
        List<JsonNode> lines = ReplayCommandTest.results(out);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).get("file").asText().startsWith("b-good"));
        assertEquals("OK", lines.get(0).get("status").asText());
    }

    private static void assertOneLineError(Cli cli, int exitCode, String text) {
        assertEquals(exitCode, cli.exitCode(), cli::toString);
        String err = cli.err().strip();
        assertTrue(err.startsWith("scorecam: "), cli::toString);
        assertEquals(1, err.lines().count(), cli::toString);
        assertTrue(err.contains(text), () -> "expected '" + text + "' in\n" + cli);
        assertTrue(cli.errHasNoStackTrace(), cli::toString);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
