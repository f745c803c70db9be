package io.scorecam.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The model repository built into scorecam.jar (the repository's {@code models/}, frames included; see
 * client-cli/pom.xml), copied to a temporary directory so {@code scorecam demo} runs from any directory.
 * Closing deletes the copy.
 */
public final class DemoBundle implements AutoCloseable {
    /** Where client-cli/pom.xml puts the models inside the jar. */
    static final String RESOURCE = "io/scorecam/cli/demo/models";

    private final Path root;

    private DemoBundle(Path root) {
        this.root = root;
    }

    /**
     * Copies the bundled models out of the jar (or out of target/classes when run from the build).
     *
     * @throws IllegalStateException when this build of the CLI carries no models
     */
    public static DemoBundle extract() {
        URL url = DemoBundle.class.getClassLoader().getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("this scorecam.jar has no bundled models (" + RESOURCE
                    + " is missing): pass --model-dir DIR");
        }
        Path target = null;
        try {
            target = Files.createTempDirectory("scorecam-demo-models");
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    copyTree(jar.getPath("/" + RESOURCE), target);
                }
            } else {
                copyTree(Path.of(uri), target);
            }
            return new DemoBundle(target);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            if (target != null) {
                deleteTree(target);
            }
            throw new IllegalStateException("cannot unpack the bundled models: " + e.getMessage(), e);
        }
    }

    /** The model repository: one sub-directory per model. */
    public Path modelDir() {
        return root;
    }

    @Override
    public void close() {
        deleteTree(root);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(from)) {
            entries = walk.sorted().toList();
        }
        for (Path source : entries) {
            // resolve by string: the jar's paths belong to another file system
            Path dest = to.resolve(from.relativize(source).toString());
            if (Files.isDirectory(source)) {
                Files.createDirectories(dest);
            } else {
                Files.copy(source, dest);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
