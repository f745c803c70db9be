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
    /** Every method of the API (what bench tries by default). */
    private static final int API_METHODS = (int) java.util.Arrays.stream(io.scorecam.api.v1.Method.values())
            .filter(m -> m != io.scorecam.api.v1.Method.METHOD_UNSPECIFIED && m != io.scorecam.api.v1.Method.UNRECOGNIZED)
            .count();

    @TempDir
    Path dir;

    @Test
    void smokeOnATinyModelPrintsAResultPerAvailableMethod() throws Exception {
        Path model = TinyModel.write(dir);
        String out = runBench("--smoke", "--model-dir=" + model);
        List<String> results = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
        List<String> unavailable = out.lines().filter(l -> l.startsWith("NOT_AVAILABLE ")).toList();
        List<String> methods = results.stream().map(l -> fields(l).get("method")).distinct().toList();
        // every method of the API is reported, one way or the other; an available one once per stream count
        assertEquals(API_METHODS, methods.size() + unavailable.size(), out);
        assertEquals(3 * methods.size(), results.size(), "--streams 1,2,8 by default: " + out);
        Map<String, String> exact = fields(results.stream().filter(l -> l.contains("method=SCORE_CAM ")).findFirst()
                .orElseThrow(() -> new AssertionError("no SCORE_CAM result:\n" + out)));
        assertEquals("tiny", exact.get("model"));
        assertEquals(String.valueOf(TinyModel.CHANNELS), exact.get("K"));
        for (String method : methods) {
            List<String> streams = results.stream().filter(l -> fields(l).get("method").equals(method))
                    .map(l -> fields(l).get("streams")).toList();
            assertEquals(List.of("1", "2", "8"), streams, out);
        }
        for (String line : results) {
            Map<String, String> f = fields(line);
            assertEquals(List.of("model", "method", "streams", "K", "raw_images_per_s", "raw_batch", "passes_per_s",
                    "passes_per_frame", "frames_per_s", "efficiency", "p50_ms", "p95_ms", "classes5_vs_1",
                    "repeat_passes", "efficiency_cpu", "cpu_busy", "jit_settle_s"), List.copyOf(f.keySet()), line);
            double raw = Double.parseDouble(f.get("raw_images_per_s"));
            double fps = Double.parseDouble(f.get("frames_per_s"));
            // RECIPRO_CAM's head passes are not full passes: it has no efficiency
            boolean recipro = "RECIPRO_CAM".equals(f.get("method"));
            assertEquals(recipro, "n/a".equals(f.get("efficiency")), line);
            double eff = recipro ? 1 : Double.parseDouble(f.get("efficiency"));
            double ratio = Double.parseDouble(f.get("classes5_vs_1"));
            double p50 = Double.parseDouble(f.get("p50_ms"));
            double p95 = Double.parseDouble(f.get("p95_ms"));
            assertTrue(raw > 0 && fps > 0 && eff > 0 && ratio > 0, line);
            assertTrue(Double.isFinite(eff) && Double.isFinite(ratio), line);
            assertTrue(p50 > 0 && p95 >= p50, "latencies of the answered frames: " + line);
            // the server caches a frame's scores: sending it again costs no forward pass
            assertEquals("0", f.get("repeat_passes"), line);
        }
        // a live camera per available method: fixed rate above the server's, LATEST, one stream
        List<String> live = out.lines().filter(l -> l.startsWith("LIVE ")).toList();
        assertEquals(methods, live.stream().map(l -> fields(l).get("method")).toList(), out);
        for (String line : live) {
            Map<String, String> f = fields(line);
            assertEquals(List.of("model", "method", "offered_fps", "answered_fps", "p50_ms", "service_ms"),
                    List.copyOf(f.keySet()).subList(0, 6), line);
            assertTrue(Double.parseDouble(f.get("answered_fps")) > 0, line);
            assertTrue(Double.parseDouble(f.get("service_ms")) > 0, line);
            assertTrue(Double.parseDouble(f.get("offered_fps")) > 1000 / Double.parseDouble(f.get("service_ms")),
                    "the source offers more than one frame per service time: " + line);
            // the maximum brackets the live run: the mean of the phase before and a phase right after it
            double before = Double.parseDouble(f.get("max_before_fps"));
            double after = Double.parseDouble(f.get("max_after_fps"));
            assertTrue(before > 0 && after > 0, line);
            assertEquals((before + after) / 2, Double.parseDouble(f.get("max_fps")), 0.11, line);
            assertEquals(Double.parseDouble(f.get("answered_fps")) / Double.parseDouble(f.get("max_fps")),
                    Double.parseDouble(f.get("answered_vs_max")), 0.03, line);
        }
        // where the time went: every stage of the frame path, per phase
        String profile = out.lines().filter(l -> l.startsWith("PROFILE model=tiny method=SCORE_CAM streams=1 "))
                .findFirst().orElseThrow(() -> new AssertionError("no PROFILE line:\n" + out));
        for (String stage : List.of("decode", "encode")) {
            assertTrue(fields(profile).containsKey(stage + "_ms"), profile);
        }
        assertFalse(out.contains("FAILED "), out);
        // the per-phase details show exact Score-CAM paying K masked passes plus the feature pass
        String detail = out.lines().filter(l -> l.startsWith("DETAIL model=tiny method=SCORE_CAM phase=streams1 "))
                .findFirst().orElseThrow(() -> new AssertionError("no DETAIL line:\n" + out));
        assertTrue(detail.contains(" passes_per_frame=" + (TinyModel.CHANNELS + 1) + ".0 "), detail);
    }

    @Test
    void smokeOnTheBundledModelIncludesTheFidelityReport() throws Exception {
        Path bundled = bundled();
        String out = runBench("--smoke", "--model-dir=" + bundled);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("RESULT model=shapes method=SCORE_CAM ")), out);
        List<String> available = out.lines().filter(l -> l.startsWith("RESULT "))
                .map(l -> fields(l).get("method")).distinct().toList();
        for (String convention : List.of("SEED", "GRAD_CAM_LIB")) {
            List<Map<String, String>> rows = out.lines().filter(l -> l.startsWith("FIDELITY "))
                    .map(BenchSmokeTest::fields).filter(f -> f.get("convention").equals(convention)).toList();
            // every method of the bench is either a row or said to be unavailable
            assertEquals(available, rows.stream().map(f -> f.get("method")).toList(), out);
            assertEquals(API_METHODS - available.size(), out.lines().filter(l -> l.startsWith("FIDELITY_NOT_AVAILABLE ")
                    && l.contains(" convention=" + convention + " ")).count(), out);
            long maps = Long.parseLong(rows.get(0).get("maps"));
            assertTrue(maps >= 4, "one map per frame at least (two on two-shape frames): " + maps);
            for (Map<String, String> f : rows) {
                assertEquals("shapes", f.get("model"));
                assertEquals(maps, Long.parseLong(f.get("maps")), "same frames and classes for every method: " + f);
                assertEquals(maps, Long.parseLong(f.get("pointing_maps")), "every bundled frame has boxes: " + f);
                double pointing = Double.parseDouble(f.get("pointing"));
                assertTrue(pointing >= 0 && pointing <= 1, f.toString());
                assertTrue(Double.parseDouble(f.get("fps")) > 0, f.toString());
                if (f.get("method").equals("SCORE_CAM")) {
                    assertEquals("n/a", f.get("pearson"), "exact is the reference");
                } else {
                    double r = Double.parseDouble(f.get("pearson"));
                    assertTrue(r >= -1 && r <= 1, f.toString());
                }
                assertMetrics(f, maps);
            }
        }
        assertFalse(out.contains("FIDELITY_FAILED"), out);
    }

    @Test
    void fidelityModelGetsItsOwnServerAndMeasuredFrameRates() throws Exception {
        Path model = TinyModel.write(dir);
        Path frames = bundled().resolve("frames"); // shape classes 0..4 exist in the tiny model's 6
        String out = runBench("--smoke", "--methods=SCORE_CAM,EIGEN_CAM", "--fidelity-conventions=SEED",
                "--model-dir=" + model, "--fidelity-model=" + model, "--fidelity-images=" + frames);
        assertTrue(out.contains("FIDELITY_SKIPPED model=tiny reason="), "the bench model has no frames: " + out);
        List<Map<String, String>> rows = out.lines().filter(l -> l.startsWith("FIDELITY "))
                .map(BenchSmokeTest::fields).toList();
        assertEquals(List.of("SCORE_CAM", "EIGEN_CAM"), rows.stream().map(f -> f.get("method")).toList(), out);
        for (Map<String, String> f : rows) {
            assertTrue(Double.parseDouble(f.get("fps")) > 0, "measured on the fidelity model's server: " + f);
            assertMetrics(f, Long.parseLong(f.get("maps")));
        }
    }

    /** Metrics are all there (from a server that computes them) or all n/a (from one that does not). */
    private static void assertMetrics(Map<String, String> f, long maps) {
        long metricMaps = Long.parseLong(f.get("metric_maps"));
        if (metricMaps == 0) {
            for (String k : List.of("avg_drop", "increase", "del_auc", "ins_auc")) {
                assertEquals("n/a", f.get(k), f.toString());
            }
            return;
        }
        assertEquals(maps, metricMaps, f.toString());
        double drop = Double.parseDouble(f.get("avg_drop"));
        double increase = Double.parseDouble(f.get("increase"));
        assertTrue(drop >= 0 && drop <= 100 && increase >= 0 && increase <= 100, f.toString());
        assertTrue(Double.parseDouble(f.get("del_auc")) >= 0 && Double.parseDouble(f.get("ins_auc")) >= 0, f.toString());
    }

    private static Path bundled() {
        Path bundled = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models/shapes");
        Assumptions.assumeTrue(Files.isRegularFile(bundled.resolve("model.onnx")), "bundled model not present");
        return bundled;
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
