package io.scorecam.loadtest.fidelity;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroundTruthBoxesTest {
    @TempDir
    Path dir;

    @Test
    void readsFramesObjectsAndBoxes() throws IOException {
        Files.writeString(dir.resolve("boxes.json"), """
                {"width": 128, "height": 96, "classes": ["a", "b"], "frames": [
                  {"file": "f0.png", "objects": [{"class_id": 1, "label": "b", "box": [7, 18, 46, 55]}]},
                  {"file": "f1.png", "objects": [{"class_id": 0, "box": [1, 2, 3, 4]}, {"class_id": 1, "box": [10, 20, 30, 40]}]},
                  {"file": "f2.png", "objects": []}]}
                """);
        GroundTruthBoxes boxes = GroundTruthBoxes.find(dir);
        assertEquals(128, boxes.width());
        assertEquals(96, boxes.height());
        assertEquals(List.of(new GroundTruthBoxes.Box(1, 7, 18, 46, 55)), boxes.of("f0.png"));
        assertEquals(2, boxes.of("f1.png").size());
        assertEquals(List.of(new GroundTruthBoxes.Box(1, 10, 20, 30, 40)), boxes.of("f1.png", 1));
        assertTrue(boxes.of("f1.png", 4).isEmpty());
        assertTrue(boxes.of("f2.png").isEmpty());
        assertTrue(boxes.of("unlisted.png").isEmpty());
    }

    @Test
    void aFolderWithoutBoxesHasNone() throws IOException {
        assertNull(GroundTruthBoxes.find(dir));
    }

    @Test
    void badFilesNameTheProblem() throws IOException {
        assertProblem("{\"width\": 8, \"height\": 8, \"frames\": [{\"file\": \"a.png\", \"objects\": [{\"class_id\": 1, \"box\": [1, 2, 3]}]}]}",
                "needs 'class_id' >= 0 and 'box': [x0, y0, x1, y1]");
        assertProblem("{\"width\": 8, \"height\": 8, \"frames\": [{\"file\": \"a.png\", \"objects\": [{\"class_id\": 1, \"box\": [3, 2, 3, 4]}]}]}",
                "empty box");
        assertProblem("{\"height\": 8, \"frames\": []}", "'width' must be");
        assertProblem("{\"width\": 8, \"height\": 8}", "'frames' must be an array");
        assertProblem("{not json", "is not valid JSON");
    }

    @Test
    void theBundledVideoHasTwoShapeFrames() throws IOException {
        Path bundled = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models/shapes/frames");
        Assumptions.assumeTrue(Files.isRegularFile(bundled.resolve("boxes.json")), "bundled frames not present");
        GroundTruthBoxes boxes = GroundTruthBoxes.find(bundled);
        long twoShape = FidelityRun.pickFrames(bundled, 0).stream()
                .filter(f -> boxes.of(f.getFileName().toString()).size() == 2).count();
        assertTrue(twoShape >= 20, "two-shape frames: " + twoShape);
    }

    private void assertProblem(String json, String expected) throws IOException {
        Path file = dir.resolve("boxes.json");
        Files.writeString(file, json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroundTruthBoxes.read(file));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
    }
}
