package io.scorecam.server.web;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The viewer's files, read once from the jar (classpath {@code /web/}): plain ES modules, no build step, no CDN,
 * so the page works offline. Only the files listed here are served.
 */
final class StaticFiles {
    static final List<String> FILES = List.of("index.html", "live.css", "live.js", "hud.js", "protocol.js");

    record File(Buffer body, String contentType) {
    }

    private final Map<String, File> files = new HashMap<>();

    StaticFiles() {
        for (String name : FILES) {
            try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("web/" + name + " is missing from the jar");
                }
                files.put("/" + name, new File(Buffer.buffer(in.readAllBytes()), contentType(name)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        files.put("/", files.get("/index.html"));
    }

    /** The file at {@code path}, or null. */
    File get(String path) {
        return files.get(path);
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "text/css; charset=utf-8";
    }
}
