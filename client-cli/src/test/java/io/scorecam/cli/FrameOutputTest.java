package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.cli.output.FrameOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What --out writes for one answer, checked without a server. */
class FrameOutputTest {
    @Test
    void mapsBecomeOverlaysAtFrameSizeAndBitExactNpy(@TempDir Path tmp) throws Exception {
        Random random = new Random(11);
        float[] a = new float[5 * 4];
        float[] b = new float[16 * 12];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat();
        }
        ExplainResponse r = ExplainResponse.newBuilder().setFrameId(9).setStatus(FrameStatus.OK).setForwardPasses(33)
                .addMaps(map(4, a, 5, 4)).addMaps(map(2, b, 16, 12)).build();
        try (FrameOutput out = new FrameOutput(tmp, true)) {
            out.write("sub", "frame", TinyPng.bytes(), Map.of("file", "frame.png"), r, 12.5);
        }
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(tmp.resolve("results.jsonl")).get(0));
        assertEquals(9, line.get("frame_id").asInt());
        assertEquals(33, line.get("forward_passes").asInt());
        assertEquals(12.5, line.get("latency_ms").asDouble());
        List<float[]> sent = List.of(a, b);
        for (int i = 0; i < 2; i++) {
            JsonNode c = line.get("classes").get(i);
            Npy npy = Npy.read(tmp.resolve(c.get("npy").asText()));
            assertArrayEquals(new int[]{c.get("height").asInt(), c.get("width").asInt()}, npy.shape());
            assertArrayEquals(sent.get(i), npy.values());
            BufferedImage overlay = ImageIO.read(tmp.resolve(c.get("overlay").asText()).toFile());
            assertNotNull(overlay);
            assertEquals(16, overlay.getWidth()); // TinyPng's size, whatever the map's
            assertEquals(12, overlay.getHeight());
        }
        assertEquals("sub/frame.class-4.SCORE_CAM.jpg", line.get("classes").get(0).get("overlay").asText());
    }

    @Test
    void anErrorAnswerIsALineWithItsCodeAndNoFiles(@TempDir Path tmp) throws Exception {
        ExplainResponse r = ExplainResponse.newBuilder().setFrameId(1).setStatus(FrameStatus.ERROR)
                .setErrorCode("INVALID_ARGUMENT").setErrorMessage("image is not JPEG or PNG").build();
        try (FrameOutput out = new FrameOutput(tmp, true)) {
            out.write("", "bad", new byte[]{1, 2, 3}, Map.of("file", "bad.png"), r, 1.0);
        }
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(tmp.resolve("results.jsonl")).get(0));
        assertEquals("ERROR", line.get("status").asText());
        assertEquals("INVALID_ARGUMENT", line.get("error_code").asText());
        assertEquals("image is not JPEG or PNG", line.get("error_message").asText());
        assertEquals(0, line.get("classes").size());
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".jpg") || p.toString().endsWith(".npy")));
        }
    }

    private static SaliencyMap map(int classId, float[] values, int w, int h) {
        SaliencyMap.Builder m = SaliencyMap.newBuilder().setClassId(classId).setWidth(w).setHeight(h).setRawMax(3f);
        for (float v : values) {
            m.addValues(v);
        }
        return m.build();
    }
}
