package io.scorecam.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TEST ONLY: the repository root and the external tools these tests drive (required in CI, else skipped). */
final class Tools {
    static final Path REPO = Path.of(System.getProperty("scorecam.repo.root", "..")).toAbsolutePath().normalize();

    private Tools() {
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The tool's path; in CI its absence fails the test (.ci/run installs it), elsewhere it skips it. */
    static Path require(String tool, String installHint) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String message = tool + " is not installed (" + installHint + ")";
        if (inCi()) {
            throw new AssertionError(message + ": .ci/run must install it");
        }
        assumeTrue(false, message + ": skipped outside CI");
        return null;
    }

    record Result(int exit, String out) {
    }

    /** Runs a command to its end (bounded), stdout and stderr together. */
    static Result run(List<String> cmd, Path dir, long timeoutS) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        boolean done = p.waitFor(timeoutS, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        reader.join(5_000);
        assertTrue(done, String.join(" ", cmd) + " did not finish within " + timeoutS + " s");
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }
}
