package io.scorecam.loadtest.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Object boxes of a frames folder, from its {@code boxes.json}:
 * {@code {"width": W, "height": H, "frames": [{"file": "f.png", "objects": [{"class_id": c, "box": [x0, y0, x1, y1]}]}]}}
 * with boxes in the frame's pixels, x0/y0 inclusive and x1/y1 exclusive (as the bundled video's generator writes them).
 */
public final class GroundTruthBoxes {
    public static final String FILE = "boxes.json";

    /** One object: its class and box in frame pixels. */
    public record Box(int classId, int x0, int y0, int x1, int y1) {
        /** Whether the point (x, y), in frame pixels, lies inside. */
        public boolean contains(double x, double y) {
            return x >= x0 && x < x1 && y >= y0 && y < y1;
        }
    }

    private final int width;
    private final int height;
    private final Map<String, List<Box>> byFile;

    private GroundTruthBoxes(int width, int height, Map<String, List<Box>> byFile) {
        this.width = width;
        this.height = height;
        this.byFile = byFile;
    }

    /** The boxes of {@code framesDir}/boxes.json, or null when the folder has none. */
    public static GroundTruthBoxes find(Path framesDir) throws IOException {
        Path file = framesDir.resolve(FILE);
        return Files.isRegularFile(file) ? read(file) : null;
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static GroundTruthBoxes read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        int width = positive(root, "width", file);
        int height = positive(root, "height", file);
        JsonNode frames = root.path("frames");
        if (!frames.isArray()) {
            throw new IllegalArgumentException(file + ": 'frames' must be an array");
        }
        Map<String, List<Box>> byFile = new HashMap<>();
        for (JsonNode frame : frames) {
            String name = frame.path("file").asText("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException(file + ": a frame without 'file'");
            }
            List<Box> boxes = new ArrayList<>();
            for (JsonNode o : frame.path("objects")) {
                JsonNode b = o.path("box");
                if (!o.path("class_id").canConvertToInt() || o.path("class_id").asInt() < 0 || !b.isArray() || b.size() != 4) {
                    throw new IllegalArgumentException(file + ": an object of " + name
                            + " needs 'class_id' >= 0 and 'box': [x0, y0, x1, y1]");
                }
                Box box = new Box(o.get("class_id").asInt(), b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(),
                        b.get(3).asInt());
                if (box.x1() <= box.x0() || box.y1() <= box.y0()) {
                    throw new IllegalArgumentException(file + ": empty box " + b + " in " + name);
                }
                boxes.add(box);
            }
            byFile.put(name, List.copyOf(boxes));
        }
        return new GroundTruthBoxes(width, height, byFile);
    }

    private static int positive(JsonNode root, String field, Path file) {
        int v = root.path(field).asInt(0);
        if (v <= 0) {
            throw new IllegalArgumentException(file + ": '" + field + "' must be the frames' size in pixels (> 0)");
        }
        return v;
    }

    /** Frame width the boxes are in. */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The objects of a frame file (empty when it has none or is not listed). */
    public List<Box> of(String fileName) {
        return byFile.getOrDefault(fileName, List.of());
    }

    /** The boxes of one class in a frame. */
    public List<Box> of(String fileName, int classId) {
        return of(fileName).stream().filter(b -> b.classId() == classId).toList();
    }
}
