package io.scorecam.server.model;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /**
     * The model directories under {@code root} (sub-directories with a model.json), by name, without reading
     * them: the poller loads each on its own, so one bad model does not hide the others.
     *
     * @throws ScoreCamException when the repository cannot be listed (a scan then changes nothing)
     */
    public static Map<String, Path> directories(Path root) {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> children = Files.list(root)) {
            children.filter(Files::isDirectory)
                    .filter(d -> Files.isRegularFile(d.resolve(ModelConfig.CONFIG_FILE)))
                    .forEach(d -> out.put(d.getFileName().toString(), d));
        } catch (IOException | RuntimeException e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    "model repository " + root + " cannot be listed: " + e.getMessage(), e);
        }
        return out;
    }

    private static ScoreCamException fail(String message) {
        return new ScoreCamException(ErrorCode.FAILED_PRECONDITION, message);
    }
}
