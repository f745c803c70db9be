package io.scorecam.server.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** TEST ONLY: model repositories made of the bundled shapes model under other names and model.json settings. */
final class ShapesRepository {
    private ShapesRepository() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("scorecam.repo.root", "."));
    }

    static Path bundled() {
        return repoRoot().resolve("models/shapes");
    }

    /**
     * Writes {@code root/name} with the bundled model.onnx and labels and a model.json that adds {@code extra}
     * (JSON members, e.g. {@code "method": "EIGEN_CAM"}) to the bundled settings.
     */
    static Path write(Path root, String name, String extra) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.copy(bundled().resolve("model.onnx"), dir.resolve("model.onnx"));
        Files.copy(bundled().resolve("labels.txt"), dir.resolve("labels.txt"));
        Files.writeString(dir.resolve("model.json"), """
                {"input": {"name": "pixels", "width": 96, "height": 96, "channels": "RGB", "scale": 255.0,
                           "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "resize": "STRETCH"},
                 "output": {"name": "logits", "kind": "LOGITS"},
                 "labels": "labels.txt", "batch_size": 8%s}
                """.formatted(extra.isEmpty() ? "" : ", " + extra));
        return dir;
    }

    /** The bundled frames (PNG files), sorted. */
    static List<Path> frames() throws IOException {
        try (Stream<Path> s = Files.list(bundled().resolve("frames"))) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }
}
