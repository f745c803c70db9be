package io.scorecam.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ghz configs call real methods with the data make-data.sh writes: requests of the API (read with
 * protobuf's JSON parser, as ghz does), distinct frames, and a distinct frame_id for every message of a stream.
 */
class GhzFilesTest {
    static final Path GHZ = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("loadtest/ghz");
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void configsCallTheServiceMethodsWithTheDataMakeDataWrites() throws Exception {
        JsonNode unary = json.readTree(GHZ.resolve("explain-unary.json").toFile());
        JsonNode stream = json.readTree(GHZ.resolve("explain-stream.json").toFile());
        assertEquals(ghzName(ExplainServiceGrpc.getExplainMethod().getFullMethodName()), unary.get("call").asText());
        assertEquals(ghzName(ExplainServiceGrpc.getExplainStreamMethod().getFullMethodName()), stream.get("call").asText());
        assertEquals("data/explain-unary.json", unary.get("data-file").asText());
        assertEquals("data/explain-stream.json", stream.get("data-file").asText());
        assertTrue(stream.get("stream-call-count").asInt() > 0);
        assertTrue(stream.has("stream-interval"));
    }

    @Test
    void makeDataWritesRequestsOfDistinctFramesAndStreamIds() throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BufferedImage image = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
            image.setRGB(i, 4, 0x336699);
            images.add(frames.resolve("f" + i + ".png"));
            ImageIO.write(image, "png", images.get(i).toFile());
        }
        Path out = dir.resolve("data");
        makeData(frames.toString(), "m1", "5", out.toString());

        List<ExplainRequest> unary = requests(out.resolve("explain-unary.json"));
        List<ExplainRequest> stream = requests(out.resolve("explain-stream.json"));
        assertEquals(5, unary.size());
        assertEquals(5, stream.size());
        for (int i = 0; i < 5; i++) {
            byte[] frame = Files.readAllBytes(images.get(i % 3)); // frames in name order, then repeated
            assertArrayEquals(frame, unary.get(i).getEncoded().toByteArray());
            assertArrayEquals(frame, stream.get(i).getEncoded().toByteArray());
            assertEquals("m1", stream.get(i).getModel());
            assertEquals(i + 1, stream.get(i).getFrameId(), "frame_id 1..COUNT in stream order");
        }
    }

    @Test
    void everyMessageOfAStreamHasItsOwnFrameId() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(GHZ.resolve("../../models")), "no bundled models/ to take frames from");
        Path out = dir.resolve("default");
        makeData("", "", "", out.toString()); // the defaults run-ghz.sh uses
        int perStream = json.readTree(GHZ.resolve("explain-stream.json").toFile()).get("stream-call-count").asInt();
        List<ExplainRequest> messages = requests(out.resolve("explain-stream.json"));
        // ghz sends the array in order and starts over past its end: stream-call-count must fit in it
        assertTrue(perStream <= messages.size(), perStream + " messages per stream, " + messages.size() + " in the data");
        Set<Long> ids = new HashSet<>();
        for (ExplainRequest r : messages.subList(0, perStream)) {
            assertTrue(ids.add(r.getFrameId()), "frame_id " + r.getFrameId() + " repeats within a stream");
        }
    }

    private void makeData(String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", GHZ.resolve("make-data.sh").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
    }

    /** Each element parsed strictly by protobuf's JSON parser: an unknown field or bad value fails. */
    private List<ExplainRequest> requests(Path file) throws Exception {
        JsonNode array = json.readTree(file.toFile());
        assertTrue(array.isArray(), file + " is a JSON array");
        List<ExplainRequest> out = new ArrayList<>();
        for (JsonNode element : array) {
            ExplainRequest.Builder b = ExplainRequest.newBuilder();
            JsonFormat.parser().merge(element.toString(), b);
            out.add(b.build());
        }
        return out;
    }

    private static String ghzName(String grpcFullName) {
        return grpcFullName.replace('/', '.');
    }
}
