package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.scorecam.cli.demo.EmbeddedServer;
import io.scorecam.server.metrics.ServerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live viewer in a real browser: Debian's headless chromium (driven by playwright-core from
 * tools/browser/node_modules) with a fake camera playing the bundled frames opens the page served by the
 * server; overlays must arrive and change with the frames, the HUD must show frames/s above 0, and closing the
 * tab must leave nothing on the server (no viewer, no frame in flight; its frame cancelled when one was in
 * flight). Saves target/live-viewer.png. Skips with a message outside CI when chromium, node or
 * playwright-core is missing; .ci/setup-browser.sh installs them for CI.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class LiveViewerBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void overlaysArriveAndChangeTheHudCountsAndClosingTheTabLeavesNothing() throws Exception {
        Path root = TestModels.repoRoot();
        Path script = root.resolve("tools/browser/live-viewer.mjs");
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        requireTool(Files.isExecutable(chromium), "Debian's chromium is not installed (apt-get install chromium)");
        requireTool(onPath("node"), "node is not installed");
        requireTool(Files.isDirectory(root.resolve("tools/browser/node_modules/playwright-core")),
                "playwright-core is not installed (npm ci --prefix tools/browser)");

        Path target = root.resolve("client-cli/target");
        Files.createDirectories(target);
        List<BufferedImage> frames = new ArrayList<>();
        for (Path p : TestModels.imagesOf(TestModels.frames())) {
            frames.add(ImageIO.read(p.toFile()));
        }
        Path y4m = Y4m.write(target.resolve("live-viewer-camera.y4m"), frames, 320, 240, 10);
        Path screenshot = target.resolve("live-viewer.png");
        Files.deleteIfExists(screenshot);

        try (EmbeddedServer server = EmbeddedServer.start(TestModels.repository(), "--web-port", "0")) {
            String url = "http://127.0.0.1:" + server.webPort() + "/";
            Path log = target.resolve("live-viewer.log");
            Process p = new ProcessBuilder("node", script.toString(), url, y4m.toString(), screenshot.toString())
                    .directory(root.resolve("tools/browser").toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertTrue(p.waitFor(4, TimeUnit.MINUTES), "the browser script did not finish");
            } finally {
                p.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            JsonNode r = lastJsonLine(output);
            System.out.println("live viewer saw: " + r);
            assertTrue(r.path("ok").asBoolean(), "browser run failed: " + output);
            assertTrue(r.path("overlays").asInt() >= 3, r::toString);
            assertTrue(r.path("distinctOverlays").asInt() >= 2, "overlays must change as the frames change: " + r);
            assertTrue(r.path("fps").asDouble() > 0, "HUD frames/s: " + r);
            assertTrue(r.path("answered").asInt() >= 3, r::toString);
            assertTrue(r.path("passes").asDouble() >= 0 && r.path("p50").asDouble() > 0, r::toString);
            assertEquals(0, r.path("consoleErrors").size(), "page errors: " + r);
            assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot);

            MeterRegistry m = server.registry();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (gauge(m, ServerMetrics.LIVE_SESSIONS_OPEN) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, gauge(m, ServerMetrics.LIVE_SESSIONS_OPEN), "the closed tab's session is gone");
            assertTrue(m.get(ServerMetrics.LIVE_SESSIONS_CLOSED).counter().count() >= 1);
            double cancelled = m.get(ServerMetrics.LIVE_FRAMES_CANCELLED).counter().count();
            System.out.println("live viewer: frames cancelled by closing the tab: " + cancelled
                    + " (a frame was in flight at close: " + r.path("inFlightAtClose").asBoolean() + ")");
            while (gauge(m, ServerMetrics.QUEUE_DEPTH) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, gauge(m, ServerMetrics.QUEUE_DEPTH), "no work of the closed tab is left queued");
        }
    }

    private static double gauge(MeterRegistry m, String name) {
        return m.get(name).gauge().value();
    }

    private static JsonNode lastJsonLine(String output) throws IOException {
        String last = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                last = line;
            }
        }
        if (last == null) {
            fail("no result line from the browser script:\n" + output);
        }
        return JSON.readTree(last);
    }

    private static void requireTool(boolean present, String message) {
        if (!present && System.getenv("CI") != null) {
            fail(message + " — .ci/setup-browser.sh must install it");
        }
        assumeTrue(present, message + "; skipping the browser test");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
