package io.scorecam.dockerit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEST ONLY: serves a local Maven repository (the host's ~/.m2/repository, filled by the reactor build that runs
 * this test) read-only over HTTP on 127.0.0.1, as a mirror for a Maven build inside Docker on the host network.
 * The same artifacts the host build resolved, without a second download from Maven Central. A local repository
 * keeps remote metadata as maven-metadata-ID.xml; a request for maven-metadata.xml gets central's copy.
 */
final class LocalMavenMirror implements AutoCloseable {
    private final Path root;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "maven-mirror");
        t.setDaemon(true);
        return t;
    });
    final AtomicLong served = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong missing = new AtomicLong();

    private LocalMavenMirror(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    static LocalMavenMirror serve(Path repository) throws IOException {
        return new LocalMavenMirror(repository);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (!head && !ex.getRequestMethod().equals("GET")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            Path file = resolve(ex.getRequestURI().getPath());
            if (file == null) {
                missing.incrementAndGet();
                ex.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            served.incrementAndGet();
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(size));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, size);
            try (OutputStream out = ex.getResponseBody()) {
                bytes.addAndGet(Files.copy(file, out));
            }
        }
    }

    /** The file for a request path inside the repository, or null (outside it, a directory, absent). */
    private Path resolve(String path) {
        Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!file.startsWith(root)) {
            return null;
        }
        if (!Files.isRegularFile(file) && file.getFileName() != null
                && file.getFileName().toString().equals("maven-metadata.xml")) {
            file = file.resolveSibling("maven-metadata-central.xml");
        }
        return Files.isRegularFile(file) ? file : null;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
