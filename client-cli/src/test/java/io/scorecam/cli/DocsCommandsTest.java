package io.scorecam.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands in docs/clients.md, run exactly as written (from a copy of the repository's proto/). */
class DocsCommandsTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void pythonStubLinesWorkAsWritten(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is missing");
        List<String> block = pythonStubBlock(Files.readAllLines(TestModels.repoRoot().resolve("docs/clients.md")));
        assertFalse(block.isEmpty(), "docs/clients.md has a **Python** stub block");
        Path root = tmp.resolve("repo");
        copyTree(TestModels.repoRoot().resolve("proto/src/main/proto"), root.resolve("proto/src/main/proto"));
        // the docs say python3: on this kind of machine the first python3 on PATH may lack grpcio-tools
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("python3"), PYTHON);
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc_tools.protoc").start();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "/usr/bin/python3 has no grpcio-tools (.ci/setup-clients.sh installs it)");

        ProcessBuilder pb = new ProcessBuilder("bash", "-euc", String.join("\n", block))
                .directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), () -> String.join("\n", block) + "\n" + output);
        assertTrue(Files.isRegularFile(root.resolve("gen/scorecam/v1/explain_pb2.py")), output);
        assertTrue(Files.isRegularFile(root.resolve("gen/scorecam/v1/explain_pb2_grpc.py")), output);
    }

    /** The indented command lines after "**Python**" under "## Generating stubs", comments dropped. */
    static List<String> pythonStubBlock(List<String> doc) {
        List<String> commands = new ArrayList<>();
        int i = 0;
        while (i < doc.size() && !doc.get(i).startsWith("## Generating stubs")) {
            i++;
        }
        while (i < doc.size() && !doc.get(i).startsWith("**Python**")) {
            i++;
        }
        for (i++; i < doc.size(); i++) {
            String line = doc.get(i);
            if (line.startsWith("    ")) {
                String cmd = line.strip();
                if (!cmd.startsWith("#")) {
                    commands.add(cmd);
                }
            } else if (!commands.isEmpty()) {
                break;
            }
        }
        return commands;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
