package io.scorecam.server.inference.ort;

import io.scorecam.server.inference.FloatTensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Loads the committed fixture models and the optional shared real model. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] model(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + file)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + file + " missing; run tools/testmodels/make_backend_fixtures.py");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared MobileNetV2 int8 model, or null when the shared folder is absent. */
    static Path sharedMobileNet() {
        Path shared = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("../shared");
        Path model = shared.resolve("models/mobilenetv2-12-int8/model.onnx");
        return Files.isRegularFile(model) ? model : null;
    }

    /** A direct tensor of the given shape filled with seeded random values in [-1, 1). */
    static FloatTensor random(long seed, long... shape) {
        FloatTensor t = FloatTensor.allocate(shape);
        Random random = new Random(seed);
        for (int i = 0; i < t.data().capacity(); i++) {
            t.data().put(i, random.nextFloat() * 2 - 1);
        }
        return t;
    }
}
