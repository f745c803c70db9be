package io.scorecam.dockerit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sample video a bundled model ships: {@code models/NAME/frames/*.png} and {@code boxes.json}, which names
 * for each frame the objects in it (class id and box [x0,y0,x1,y1), x1/y1 exclusive).
 */
record BundledFrames(String model, int width, int height, List<String> classes, List<Frame> frames) {

    record Box(int classId, int x0, int y0, int x1, int y1) {
    }

    record Frame(String file, byte[] png, List<Box> objects) {
    }

    /** The first model directory under {@code modelsDir} (by name) that has frames/boxes.json. */
    static Optional<BundledFrames> find(Path modelsDir) throws IOException {
        if (!Files.isDirectory(modelsDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(modelsDir)) {
            Optional<Path> boxes = dirs.sorted()
                    .map(d -> d.resolve("frames").resolve("boxes.json"))
                    .filter(Files::isRegularFile)
                    .findFirst();
            return boxes.isPresent() ? Optional.of(read(boxes.get())) : Optional.empty();
        }
    }

    static BundledFrames read(Path boxesJson) throws IOException {
        JsonNode doc = new ObjectMapper().readTree(boxesJson.toFile());
        Path dir = boxesJson.getParent();
        List<String> classes = new ArrayList<>();
        doc.path("classes").forEach(c -> classes.add(c.asText()));
        List<Frame> frames = new ArrayList<>();
        for (JsonNode f : doc.path("frames")) {
            List<Box> objects = new ArrayList<>();
            for (JsonNode o : f.path("objects")) {
                JsonNode b = o.path("box");
                objects.add(new Box(o.path("class_id").asInt(), b.get(0).asInt(), b.get(1).asInt(),
                        b.get(2).asInt(), b.get(3).asInt()));
            }
            String file = f.path("file").asText();
            frames.add(new Frame(file, Files.readAllBytes(dir.resolve(file)), List.copyOf(objects)));
        }
        if (frames.isEmpty()) {
            throw new IOException(boxesJson + " lists no frames");
        }
        String model = dir.getParent().getFileName().toString();
        return new BundledFrames(model, doc.path("width").asInt(), doc.path("height").asInt(),
                List.copyOf(classes), List.copyOf(frames));
    }
}
