package io.scorecam.server.reload;

import io.scorecam.server.onnx.SyntheticModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** TEST ONLY: model directories of small synthetic CNNs (seeded weights), written as an operator would. */
final class ReloadRepository {
    private ReloadRepository() {
    }

    /** model.json for a synthetic model, with extra JSON members (e.g. {@code "top_k": 2}). */
    static String json(SyntheticModels.Model m, String extra) {
        return """
                {"input": {"name": "%s", "width": %d, "height": %d, "channels": "RGB", "scale": 255.0,
                           "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "resize": "STRETCH"},
                 "output": {"name": "%s", "kind": "LOGITS"}, "batch_size": 4%s}
                """.formatted(m.input(), m.width(), m.height(), m.output(), extra.isEmpty() ? "" : ", " + extra);
    }

    /** Writes (or overwrites) {@code root/name} with the model and its model.json. */
    static Path write(Path root, String name, SyntheticModels.Model m, String extra) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.write(dir.resolve("model.onnx"), m.bytes());
        Files.writeString(dir.resolve("model.json"), json(m, extra));
        return dir;
    }

    static void delete(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
