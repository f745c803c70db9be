package io.scorecam.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ghz configs name real methods, and make-data.sh writes a request ghz can send (fields of the API). */
class GhzFilesTest {
    private static final Path GHZ = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("loadtest/ghz");
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void configsCallTheServiceMethods() throws Exception {
        JsonNode unary = json.readTree(GHZ.resolve("explain-unary.json").toFile());
        JsonNode stream = json.readTree(GHZ.resolve("explain-stream.json").toFile());
        assertEquals(ghzName(ExplainServiceGrpc.getExplainMethod().getFullMethodName()), unary.get("call").asText());
        assertEquals(ghzName(ExplainServiceGrpc.getExplainStreamMethod().getFullMethodName()), stream.get("call").asText());
        assertTrue(stream.get("stream-call-count").asInt() > 0);
        assertTrue(stream.has("stream-interval"));
        for (JsonNode c : new JsonNode[] {unary, stream}) {
            assertEquals("data/explain-request.json", c.get("data-file").asText());
        }
    }

    @Test
    void makeDataWritesARequestWithTheFrameAsBase64() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        BufferedImage image = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0x336699);
        Path frame = dir.resolve("frame.png");
        ImageIO.write(image, "png", frame.toFile());
        Path out = dir.resolve("req.json");
        Process p = new ProcessBuilder("/bin/bash", GHZ.resolve("make-data.sh").toString(), frame.toString(), "m1",
                out.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        JsonNode req = json.readTree(out.toFile());
        assertFieldsBelongToTheApi(req);
        assertEquals("m1", req.get("model").asText());
        byte[] bytes = Base64.getDecoder().decode(req.get("encoded").asText());
        assertArrayEquals(Files.readAllBytes(frame), bytes);
        assertEquals(0x336699, ImageIO.read(new ByteArrayInputStream(bytes)).getRGB(3, 4) & 0xffffff);
    }

    @Test
    void committedDataHoldsADecodableFrame() throws Exception {
        Path data = GHZ.resolve("data/explain-request.json");
        Assumptions.assumeTrue(Files.isRegularFile(data), "no data file generated yet");
        JsonNode req = json.readTree(data.toFile());
        assertFieldsBelongToTheApi(req);
        assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(req.get("encoded").asText()))));
    }

    private static void assertFieldsBelongToTheApi(JsonNode req) {
        Descriptors.Descriptor d = ExplainRequest.getDescriptor();
        for (Iterator<String> names = req.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertNotNull(d.findFieldByName(name), "not a field of ExplainRequest: " + name);
        }
    }

    private static String ghzName(String grpcFullName) {
        return grpcFullName.replace('/', '.');
    }
}
