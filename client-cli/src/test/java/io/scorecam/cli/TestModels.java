package io.scorecam.cli;

import io.scorecam.cli.demo.EmbeddedServer;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The model repository the tests serve: the bundled {@code models/} when it has a model with frames, else one
 * assembled in a temp dir from the shared MobileNetV2 and photos; tests skip when neither is there.
 * One embedded server is shared by the test classes of this JVM (loading a model is the slow part).
 */
final class TestModels {
    /** Keeps tests short whatever K is: a few scored channels exercise the same streaming path. */
    static final String[] FAST = {"--method", "FASTER_SCORE_CAM", "--max-channels", "8"};

    private static Path repository;
    private static EmbeddedServer server;

    private TestModels() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("scorecam.repo.root", ".")).toAbsolutePath().normalize();
    }

    static synchronized Path repository() {
        if (repository == null) {
            repository = findOrAssemble();
        }
        return repository;
    }

    /** The frames folder of the first model that has one. */
    static Path frames() {
        return DemoCommand.bundledFrames(repository());
    }

    static synchronized EmbeddedServer server() {
        if (server == null) {
            server = EmbeddedServer.start(repository(), "--warmup-ms=0"); // start-up is tested in the server module
            EmbeddedServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return server;
    }

    /** The command line followed by {@link #FAST}. */
    static String[] fast(String... args) {
        return Stream.concat(Stream.of(args), Stream.of(FAST)).toArray(String[]::new);
    }

    static List<Path> imagesOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g)$")).sorted(Comparator.naturalOrder()).toList();
        }
    }

    private static Path findOrAssemble() {
        Path bundled = repoRoot().resolve("models");
        if (Files.isDirectory(bundled) && hasFrames(bundled)) {
            return bundled;
        }
        Path shared = repoRoot().resolve("../shared").normalize();
        Path model = shared.resolve("models/mobilenetv2-12-int8");
        Assumptions.assumeTrue(Files.isRegularFile(model.resolve("model.onnx")),
                "neither models/ with frames nor ../shared is present");
        try {
            Path repo = Files.createTempDirectory("scorecam-cli-models");
            Path dir = Files.createDirectories(repo.resolve("mobilenet"));
            for (String f : List.of("model.onnx", "model.json", "labels.txt")) {
                Files.copy(model.resolve(f), dir.resolve(f));
            }
            Path frames = Files.createDirectories(dir.resolve("frames"));
            for (Path img : imagesOf(shared.resolve("images"))) {
                Files.copy(img, frames.resolve(img.getFileName()));
            }
            return repo;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasFrames(Path repo) {
        try (Stream<Path> s = Files.list(repo)) {
            return s.anyMatch(m -> Files.isRegularFile(m.resolve("model.json")) && Files.isRegularFile(m.resolve("model.onnx"))
                    && Files.isDirectory(m.resolve("frames")));
        } catch (IOException e) {
            return false;
        }
    }
}
