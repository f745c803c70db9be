package io.scorecam.server.model;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A directory of models: one sub-directory per model, each with model.json and model.onnx. */
public final class ModelRepository {
    private ModelRepository() {
    }

    /**
     * Loads every sub-directory of {@code root} that holds a model.json, sorted by name. Directories
     * without one are ignored; one invalid model fails the whole scan (a server should not start half-configured).
     */
    public static List<ModelConfig> scan(Path root) {
        if (!Files.exists(root)) {
            throw fail("model repository " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw fail("model repository " + root + " is not a directory");
        }
        List<Path> dirs;
        try (Stream<Path> children = Files.list(root)) {
            dirs = children.filter(Files::isDirectory)
                    .filter(d -> Files.isRegularFile(d.resolve(ModelConfig.CONFIG_FILE)))
                    .sorted(Comparator.comparing(d -> d.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    "model repository " + root + " cannot be listed: " + e.getMessage(), e);
        }
        if (dirs.isEmpty()) {
            throw fail("model repository " + root + " holds no model: expected sub-directories like "
                    + root.resolve("my-model") + " with " + ModelConfig.CONFIG_FILE + " and " + ModelConfig.MODEL_FILE);
        }
        List<ModelConfig> models = new ArrayList<>(dirs.size());
        for (Path dir : dirs) {
            models.add(ModelConfig.load(dir));
        }
        return List.copyOf(models);
    }

    private static ScoreCamException fail(String message) {
        return new ScoreCamException(ErrorCode.FAILED_PRECONDITION, message);
    }
}
