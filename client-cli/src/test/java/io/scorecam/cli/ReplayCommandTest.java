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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scorecam replay} against a real in-process server with the bundled (or shared) model. */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class ReplayCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COUNTS = Pattern.compile("frames\\s+(\\d+)\\s+\\(OK (\\d+), SKIPPED (\\d+), ERROR (\\d+)\\)");

    private static String server;
    private static List<Path> images;

    @BeforeAll
    static void startServer() throws IOException {
        server = TestModels.server().address();
        images = TestModels.imagesOf(TestModels.frames()).subList(0, Math.min(3, TestModels.imagesOf(TestModels.frames()).size()));
    }

    @Test
    void writesOneLinePerFrameAnOverlayPerClassAndTheMapsTheServerSent(@TempDir Path tmp) throws Exception {
        Path frames = copyFrames(tmp.resolve("in"));
        Path out = tmp.resolve("out");
        Cli cli = Cli.run(TestModels.fast("replay", frames.toString(), "--server", server,
                "--top-k", "2", "--out", out.toString(), "--save-maps", "--no-progress", "--idle-timeout", "120"));
        assertEquals(0, cli.exitCode(), cli::toString);

        List<JsonNode> lines = results(out);
        assertEquals(images.size(), lines.size(), cli::toString);
        checkSummaryJson(out, lines);
        Map<String, SaliencyMap> sent = unaryMaps();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            Path image = images.get(i);
            assertEquals(image.getFileName().toString(), line.get("file").asText(), "frames are sent in name order");
            assertEquals("OK", line.get("status").asText(), line::toString);
            assertTrue(line.get("forward_passes").asInt() >= 0, line::toString); // 0 on a cache hit
            assertTrue(line.get("latency_ms").asDouble() > 0, line::toString);
            JsonNode classes = line.get("classes");
            assertEquals(2, classes.size(), line::toString);
            BufferedImage original = ImageIO.read(image.toFile());
            for (JsonNode c : classes) {
                BufferedImage overlay = ImageIO.read(out.resolve(c.get("overlay").asText()).toFile());
                assertNotNull(overlay, "overlay decodes");
                assertEquals(original.getWidth(), overlay.getWidth());
                assertEquals(original.getHeight(), overlay.getHeight());
                Npy npy = Npy.read(out.resolve(c.get("npy").asText()));
                assertArrayEquals(new int[]{c.get("height").asInt(), c.get("width").asInt()}, npy.shape());
                SaliencyMap expected = sent.get(image.getFileName() + "/" + c.get("class_id").asInt());
                assertNotNull(expected, "the unary call explains the same classes");
                assertEquals(expected.getValuesCount(), npy.values().length);
                for (int k = 0; k < npy.values().length; k++) {
                    assertEquals(expected.getValues(k), npy.values()[k], 1e-6f, "value " + k);
                }
            }
        }
        assertCounts(cli.out(), images.size(), images.size(), 0, 0);
    }

    @Test
    void severalStreamsAndLoopsAnswerEveryFrameOnce(@TempDir Path tmp) throws Exception {
        Path frames = copyFrames(tmp.resolve("in"));
        Path out = tmp.resolve("out");
        Cli cli = Cli.run(TestModels.fast("replay", frames.toString(), "--server", server,
                "--streams", "2", "--loop", "2", "--out", out.toString(), "--no-progress", "--idle-timeout", "120"));
        assertEquals(0, cli.exitCode(), cli::toString);
        int total = images.size() * 2 * 2;
        List<JsonNode> lines = results(out);
        assertEquals(total, lines.size());
        Map<String, Integer> perStreamLoop = new HashMap<>();
        for (JsonNode line : lines) {
            String key = line.get("stream").asInt() + "/" + line.get("loop").asInt();
            perStreamLoop.merge(key, 1, Integer::sum);
            for (JsonNode c : line.get("classes")) {
                assertTrue(Files.isRegularFile(out.resolve(c.get("overlay").asText())));
                assertTrue(c.get("overlay").asText().startsWith("stream-" + line.get("stream").asInt() + "/loop-"));
            }
        }
        assertEquals(Map.of("1/1", images.size(), "1/2", images.size(), "2/1", images.size(), "2/2", images.size()),
                perStreamLoop);
        assertCounts(cli.out(), total, total, 0, 0);
    }

    @Test
    void latestPolicyAccountsForEveryFrame(@TempDir Path tmp) throws Exception {
        Path frames = copyFrames(tmp.resolve("in"));
        Cli cli = Cli.run(TestModels.fast("replay", frames.toString(), "--server", server,
                "--policy", "latest", "--loop", "3", "--progress", "--idle-timeout", "120")); // the bar must not break a non-terminal
        assertEquals(0, cli.exitCode(), cli::toString);
        Matcher m = COUNTS.matcher(cli.out());
        assertTrue(m.find(), cli::toString);
        int total = Integer.parseInt(m.group(1));
        assertEquals(images.size() * 3, total);
        assertEquals(total, Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4)));
        assertEquals(0, Integer.parseInt(m.group(4)), cli::toString);
        assertTrue(Integer.parseInt(m.group(2)) >= 1, "the newest frame is always explained");
    }

    @Test
    void aFrameTheServerCannotDecodeIsAnErrorLineAndTheRestGoOn(@TempDir Path tmp) throws Exception {
        Path frames = copyFrames(tmp.resolve("in"));
        // passes the client's JPEG/PNG sniffing, fails the server's decoder
        byte[] good = Files.readAllBytes(images.get(0));
        byte[] truncated = java.util.Arrays.copyOf(good, 40);
        Files.write(frames.resolve("000-truncated" + suffix(images.get(0))), truncated);
        Path out = tmp.resolve("out");
        Cli cli = Cli.run(TestModels.fast("replay", frames.toString(), "--server", server,
                "--out", out.toString(), "--no-progress", "--idle-timeout", "120"));
        assertEquals(0, cli.exitCode(), cli::toString);
        List<JsonNode> lines = results(out);
        assertEquals(images.size() + 1, lines.size());
        assertEquals("ERROR", lines.get(0).get("status").asText());
        assertEquals("INVALID_ARGUMENT", lines.get(0).get("error_code").asText(), lines.get(0)::toString);
        assertEquals(0, lines.get(0).get("classes").size());
        assertCounts(cli.out(), images.size() + 1, images.size(), 0, 1);
    }

    /** The maps of a unary Explain with the same options, keyed by file/class. */
    private static Map<String, SaliencyMap> unaryMaps() throws IOException, InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilder(server, InsecureChannelCredentials.create())
                .maxInboundMessageSize(64 << 20).build();
        try {
            var stub = ExplainServiceGrpc.newBlockingStub(channel);
            Map<String, SaliencyMap> maps = new HashMap<>();
            for (Path image : images) {
                ExplainResponse r = stub.explain(ExplainRequest.newBuilder()
                        .setEncoded(ByteString.copyFrom(Files.readAllBytes(image)))
                        .setTopK(2).setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(8).setWantValues(true).build());
                for (SaliencyMap m : r.getMapsList()) {
                    maps.put(image.getFileName() + "/" + m.getClassId(), m);
                }
            }
            return maps;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** summary.json sits next to results.jsonl and agrees with its lines. */
    private static void checkSummaryJson(Path out, List<JsonNode> lines) throws IOException {
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(lines.size(), summary.at("/frames/ok").asInt(), summary::toString);
        assertEquals(lines.size(), summary.at("/frames/total").asInt(), summary::toString);
        double maxClient = 0;
        double maxServer = 0;
        for (JsonNode line : lines) {
            maxClient = Math.max(maxClient, line.get("latency_ms").asDouble());
            maxServer = Math.max(maxServer, line.get("server_total_ms").asDouble());
            assertTrue(line.get("server_total_ms").asDouble() <= line.get("latency_ms").asDouble() + 0.1, line::toString);
        }
        // HdrHistogram keeps 3 significant digits; results.jsonl rounds to 0.1 ms
        assertEquals(maxClient, summary.at("/client_latency_ms/max").asDouble(), 0.15 + maxClient * 2e-3, summary::toString);
        assertEquals(maxServer, summary.at("/server_total_ms/max").asDouble(), 0.15 + maxServer * 2e-3, summary::toString);
        assertTrue(summary.at("/server_compute_ms/p50").asDouble() > 0, summary::toString);
        assertTrue(summary.at("/forward_passes_per_ok_frame").asDouble() >= 0, summary::toString);
    }

    private static void assertCounts(String out, int total, int ok, int skipped, int error) {
        Matcher m = COUNTS.matcher(out);
        assertTrue(m.find(), out);
        assertEquals(List.of(total, ok, skipped, error), List.of(Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))), out);
        assertTrue(out.contains("p50") && out.contains("p99") && out.contains("forward passes"), out);
    }

    static List<JsonNode> results(Path out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            lines.add(JSON.readTree(line));
        }
        // streams answer concurrently: order lines as sent
        lines.sort(java.util.Comparator.comparing((JsonNode n) -> n.get("stream").asInt())
                .thenComparing(n -> n.get("frame_id").asLong()));
        return lines;
    }

    private static Path copyFrames(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Path image : images) {
            Files.copy(image, dir.resolve(image.getFileName()));
        }
        return dir;
    }

    private static String suffix(Path p) {
        String n = p.getFileName().toString();
        return n.substring(n.lastIndexOf('.'));
    }
}
