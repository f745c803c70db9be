package io.scorecam.server.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates the optional shared test material (real model, photos) next to the repository. */
public final class SharedFiles {
    private SharedFiles() {
    }

    public static Path sharedDir() {
        return Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("../shared");
    }

    /** The int8 MobileNetV2 model file; skips the calling test when it is absent. */
    public static Path mobilenetOrSkip() {
        Path file = sharedDir().resolve("models/mobilenetv2-12-int8/model.onnx");
        assumeTrue(Files.isRegularFile(file), "shared MobileNetV2 model not present: " + file);
        return file;
    }
}
