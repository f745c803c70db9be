package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.cli.demo.EmbeddedServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Python package clients/python: built with pip (stubs generated from proto/ during the build), then its
 * unittest suite runs against two real servers (plaintext; TLS with a bearer token), and the maps it got from
 * explain() are compared with grpc-java's. Skipped outside CI when /usr/bin/python3 lacks grpcio, grpc-tools,
 * numpy, setuptools or pip (.ci/setup-clients.sh installs them); in CI (CI set) their absence fails.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class PythonClientPackageTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String TOKEN = "python-client-test-token";

    @Test
    void buildsAndPassesItsTestsAgainstRealServers(@TempDir Path tmp) throws Exception {
        requirePython(tmp);
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Assumptions.assumeTrue(io.scorecam.server.testing.TestCertificates.make(cert, key), "openssl is not available to make a test certificate");

        Path repo = TestModels.repoRoot();
        Path source = copyPackage(repo.resolve("clients/python"), tmp.resolve("src"));
        Path site = tmp.resolve("site");
        Run build = run(tmp, Map.of("SCORECAM_PROTO_DIR", repo.resolve("proto/src/main/proto").toString()),
                PYTHON.toString(), "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                "--disable-pip-version-check", "--target", site.toString(), source.toString());
        assertEquals(0, build.exit(), build::output);
        assertTrue(Files.isRegularFile(site.resolve("scorecam/v1/explain_pb2_grpc.py")), "stubs generated at build time");
        assertFalse(Files.exists(repo.resolve("clients/python/src/scorecam/v1/explain_pb2.py")), "stubs are not committed");

        Path report = tmp.resolve("report.json");
        try (EmbeddedServer tls = EmbeddedServer.start(TestModels.repository(), "--batch-size", "8",
                "--tls-cert", cert.toString(), "--tls-key", key.toString(), "--auth-token", TOKEN)) {
            Map<String, String> env = new HashMap<>();
            env.put("PYTHONPATH", site.toString());
            env.put("SCORECAM_TEST_SERVER", TestModels.server().address());
            env.put("SCORECAM_TEST_TLS_SERVER", "localhost:" + tls.port());
            env.put("SCORECAM_TEST_CA", cert.toString());
            env.put("SCORECAM_TEST_TOKEN", TOKEN);
            env.put("SCORECAM_TEST_FRAMES", TestModels.frames().toString());
            env.put("SCORECAM_TEST_REPORT", report.toString());
            Run tests = run(tmp, env, PYTHON.toString(), "-m", "unittest", "discover", "-v",
                    "-s", source.resolve("tests").toString());
            assertEquals(0, tests.exit(), tests::output);
            assertTrue(tests.output().contains("Ran 8 tests") && !tests.output().contains("skipped"), tests::output);
        }
        compareWithGrpcJava(report);
    }

    /** What the Python explain() returned (map size, sum, peak) is what grpc-java gets for the same request. */
    private static void compareWithGrpcJava(Path report) throws Exception {
        JsonNode frames = new ObjectMapper().readTree(report.toFile()).get("frames");
        assertTrue(frames.size() > 0);
        ManagedChannel channel = Grpc.newChannelBuilder(TestModels.server().address(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(64 << 20).build();
        try {
            var stub = ExplainServiceGrpc.newBlockingStub(channel);
            for (JsonNode frame : frames) {
                Path image = TestModels.frames().resolve(frame.get("file").asText());
                ExplainResponse want = stub.explain(ExplainRequest.newBuilder()
                        .setEncoded(ByteString.copyFrom(Files.readAllBytes(image))).setTopK(2)
                        .setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(8).setWantValues(true).build());
                assertEquals(want.getMapsCount(), frame.get("maps").size(), frame::toString);
                for (int m = 0; m < want.getMapsCount(); m++) {
                    SaliencyMap w = want.getMaps(m);
                    JsonNode got = frame.get("maps").get(m);
                    assertEquals(w.getClassId(), got.get("class_id").asInt());
                    assertEquals(w.getWidth(), got.get("width").asInt());
                    assertEquals(w.getHeight(), got.get("height").asInt());
                    double sum = 0;
                    int argmax = 0;
                    for (int k = 0; k < w.getValuesCount(); k++) {
                        sum += w.getValues(k);
                        argmax = w.getValues(k) > w.getValues(argmax) ? k : argmax;
                    }
                    assertEquals(sum, got.get("sum").asDouble(), 1e-5 * Math.max(1, sum), got::toString);
                    assertEquals(argmax, got.get("argmax").asInt(), got::toString);
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void requirePython(Path tmp) throws Exception {
        String probe = "import grpc, grpc_tools.protoc, numpy, setuptools, wheel, pip";
        boolean present = Files.isExecutable(PYTHON) && run(tmp, Map.of(), PYTHON.toString(), "-c", probe).exit() == 0;
        if (!present && System.getenv("CI") != null) {
            fail("CI: /usr/bin/python3 cannot '" + probe + "' (.ci/setup-clients.sh should have installed them)");
        }
        Assumptions.assumeTrue(present, "/usr/bin/python3 lacks grpcio, grpc-tools, numpy, setuptools or pip "
                + "(run .ci/setup-clients.sh)");
    }

    /** The package's sources without build leftovers, so the build never writes into the repository. */
    private static Path copyPackage(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                String rel = from.relativize(p).toString();
                if (rel.startsWith("build") || rel.startsWith("dist") || rel.contains("egg-info") || rel.contains("__pycache__")) {
                    continue;
                }
                Path dest = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return to;
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "python", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Run(-1, "timed out: " + List.of(cmd) + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), List.of(cmd) + "\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
}
