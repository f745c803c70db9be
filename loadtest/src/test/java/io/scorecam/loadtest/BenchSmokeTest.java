package io.scorecam.loadtest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --smoke} end to end: a real in-process server, every method tried, RESULT lines with sane fields. */
class BenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void smokeOnATinyModelPrintsAResultPerAvailableMethod() throws Exception {
        Path model = TinyModel.write(dir);
        String out = runBench("--smoke", "--model-dir=" + model);
        List<String> results = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
        List<String> unavailable = out.lines().filter(l -> l.startsWith("NOT_AVAILABLE ")).toList();
        // every method of the API is reported, one way or the other
        assertEquals(4, results.size() + unavailable.size(), out);
        Map<String, String> exact = fields(results.stream().filter(l -> l.contains("method=SCORE_CAM ")).findFirst()
                .orElseThrow(() -> new AssertionError("no SCORE_CAM result:\n" + out)));
        assertEquals("tiny", exact.get("model"));
        assertEquals(String.valueOf(TinyModel.CHANNELS), exact.get("K"));
        for (String line : results) {
            Map<String, String> f = fields(line);
            assertEquals(List.of("model", "method", "K", "raw_images_per_s", "frames_per_s", "efficiency",
                    "classes5_vs_1", "repeat_passes"), List.copyOf(f.keySet()), line);
            double raw = Double.parseDouble(f.get("raw_images_per_s"));
            double fps = Double.parseDouble(f.get("frames_per_s"));
            double eff = Double.parseDouble(f.get("efficiency"));
            double ratio = Double.parseDouble(f.get("classes5_vs_1"));
            assertTrue(raw > 0 && fps > 0 && eff > 0 && ratio > 0, line);
            assertTrue(Double.isFinite(eff) && Double.isFinite(ratio), line);
            // the server caches a frame's scores: sending it again costs no forward pass
            assertEquals("0", f.get("repeat_passes"), line);
        }
        assertFalse(out.contains("FAILED "), out);
        // the per-phase details show exact Score-CAM paying K masked passes plus the feature pass
        String detail = out.lines().filter(l -> l.startsWith("DETAIL model=tiny method=SCORE_CAM phase=classes1 "))
                .findFirst().orElseThrow(() -> new AssertionError("no DETAIL line:\n" + out));
        assertTrue(detail.contains(" passes_per_frame=" + (TinyModel.CHANNELS + 1) + ".0 "), detail);
    }

    @Test
    void smokeOnTheBundledModel() throws Exception {
        Path bundled = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models/shapes");
        Assumptions.assumeTrue(Files.isRegularFile(bundled.resolve("model.onnx")), "bundled model not present");
        String out = runBench("--smoke", "--methods=SCORE_CAM", "--model-dir=" + bundled);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("RESULT model=shapes method=SCORE_CAM ")), out);
    }

    private static String runBench(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int code = new CommandLine(new BenchCommand().printTo(print)).setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        String out = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(0, code, out);
        return out;
    }

    static Map<String, String> fields(String line) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        for (String token : line.substring(line.indexOf(' ') + 1).split(" ")) {
            int eq = token.indexOf('=');
            f.put(token.substring(0, eq), token.substring(eq + 1));
        }
        return f;
    }
}
