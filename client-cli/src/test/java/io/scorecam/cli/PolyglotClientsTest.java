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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example clients in examples/python and examples/node, run against a real in-process server: the maps
 * they report (size, sum, peak) must be the ones a grpc-java client gets for the same frames. Skipped when
 * /usr/bin/python3 lacks grpc or node lacks the npm packages (.ci/setup-clients.sh installs both).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class PolyglotClientsTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void pythonClient(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON) && succeeds(tmp, PYTHON.toString(), "-c", "import grpc, grpc_tools.protoc"),
                "/usr/bin/python3 with grpcio and grpcio-tools is not installed");
        Path script = TestModels.repoRoot().resolve("examples/python/scorecam_client.py");
        runAndCheck(tmp, List.of(PYTHON.toString(), script.toString(), "--stubs", tmp.resolve("gen").toString()));
    }

    @Test
    void nodeClient(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.repoRoot().resolve("examples/node");
        Assumptions.assumeTrue(Files.isDirectory(dir.resolve("node_modules/@grpc/grpc-js"))
                        && Files.isDirectory(dir.resolve("node_modules/@grpc/proto-loader")) && succeeds(tmp, "node", "--version"),
                "node or examples/node/node_modules is missing (run .ci/setup-clients.sh)");
        runAndCheck(tmp, List.of("node", dir.resolve("client.js").toString()));
    }

    @Test
    void nodeClientHelpListsItsOptionsWithoutGrpcInstalled(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(succeeds(tmp, "node", "--version"), "node is not installed");
        Path script = TestModels.repoRoot().resolve("examples/node/client.js");
        for (String flag : List.of("--help", "-h")) {
            Result r = run(tmp, List.of("node", script.toString(), flag));
            assertEquals(0, r.exitCode(), r::output);
            for (String option : List.of("usage:", "--server", "--token", "--out", "--top-k", "--method", "--summary")) {
                assertTrue(r.output().contains(option), option + " in\n" + r.output());
            }
        }
        Result bad = run(tmp, List.of("node", script.toString(), "--bogus"));
        assertEquals(1, bad.exitCode(), bad::output);
        assertTrue(bad.output().contains("--bogus") && bad.output().contains("--help"), bad::output);
    }

    private static void runAndCheck(Path tmp, List<String> client) throws Exception {
        Path frames = TestModels.frames();
        List<Path> images = TestModels.imagesOf(frames);
        Path out = tmp.resolve("overlays");
        Path summary = tmp.resolve("summary.json");
        List<String> cmd = new ArrayList<>(client);
        cmd.addAll(List.of(frames.toString(), "--server", TestModels.server().address(), "--out", out.toString(),
                "--top-k", "2", "--method", "FASTER_SCORE_CAM", "--max-channels", "8", "--summary", summary.toString()));
        Result r = run(tmp, cmd);
        assertEquals(0, r.exitCode(), r::output);

        JsonNode answered = new ObjectMapper().readTree(summary.toFile()).get("frames");
        assertEquals(images.size(), answered.size(), r::output);
        try (Expected expected = new Expected(TestModels.server().address())) {
            for (int i = 0; i < images.size(); i++) {
                JsonNode frame = answered.get(i);
                assertEquals(images.get(i).getFileName().toString(), frame.get("file").asText());
                assertEquals("OK", frame.get("status").asText(), frame::toString);
                ExplainResponse want = expected.explain(images.get(i));
                assertEquals(want.getMapsCount(), frame.get("maps").size(), frame::toString);
                for (int m = 0; m < want.getMapsCount(); m++) {
                    checkMap(want.getMaps(m), frame.get("maps").get(m), out);
                }
            }
        }
    }

    private static void checkMap(SaliencyMap want, JsonNode got, Path out) throws IOException {
        assertEquals(want.getClassId(), got.get("class_id").asInt());
        assertEquals(want.getWidth(), got.get("width").asInt());
        assertEquals(want.getHeight(), got.get("height").asInt());
        assertEquals(want.getValuesCount(), got.get("count").asInt());
        double sum = 0;
        int argmax = 0;
        for (int k = 0; k < want.getValuesCount(); k++) {
            sum += want.getValues(k);
            argmax = want.getValues(k) > want.getValues(argmax) ? k : argmax;
        }
        assertEquals(sum, got.get("sum").asDouble(), 1e-6 * Math.max(1, sum), got::toString);
        assertEquals(argmax, got.get("argmax").asInt(), got::toString);
        assertNotNull(ImageIO.read(out.resolve(got.get("overlay").asText()).toFile()), "overlay JPEG decodes");
    }

    /** The same request from grpc-java, for reference. */
    private static final class Expected implements AutoCloseable {
        private final ManagedChannel channel;

        Expected(String server) {
            channel = Grpc.newChannelBuilder(server, InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
        }

        ExplainResponse explain(Path image) throws IOException {
            return ExplainServiceGrpc.newBlockingStub(channel).explain(ExplainRequest.newBuilder()
                    .setEncoded(ByteString.copyFrom(Files.readAllBytes(image))).setTopK(2)
                    .setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(8).setWantValues(true).build());
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "client", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + cmd + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), cmd + "\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static boolean succeeds(Path dir, String... cmd) {
        try {
            return run(dir, List.of(cmd)).exitCode() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
