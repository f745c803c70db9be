package io.scorecam.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three server replicas (separate JVMs) on loopback behind HAProxy 2.6 with h2 on both sides, and behind
 * grpc-java's own round_robin; the load tester and the CLI as child processes, as a user runs them. Proves
 * routing, failover and drain, not speed: three replicas on two cores share the same CPU (numbers printed).
 * Bounded: a few hundred frames of the bundled model, every wait has a deadline.
 */
class MultiReplicaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODELS = Tools.REPO.resolve("models");
    private static final Path FRAMES = Tools.REPO.resolve("models/shapes/frames");
    /** One worker and one event loop each: three replicas share two cores. */
    private static final String[] SERVER_FLAGS = {"--batch-size=4", "--warmup-ms=0", "--workers=1", "--event-loops=1",
            "--codec-threads=1", "--grace-period-ms=15000"};

    @TempDir
    Path dir;

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** `load` of the load tester to its end; returns its --json report. */
    private JsonNode load(String name, String... args) throws Exception {
        Path json = dir.resolve(name + ".json");
        List<String> cmd = java("io.scorecam.loadtest.LoadTestCli", "load");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--json", json.toString()));
        Tools.Result r = Tools.run(cmd, dir, 240);
        System.out.println("[" + name + "] " + r.out().strip().replace("\n", "\n[" + name + "] "));
        assertTrue(Files.isRegularFile(json), "no report from load:\n" + r.out());
        return JSON.readTree(json.toFile());
    }

    private static Map<Integer, Double> streamsPerReplica(Replicas replicas) {
        Map<Integer, Double> m = new HashMap<>();
        replicas.replicas.forEach(r -> m.put(r.index, r.metric("scorecam_streams_total")));
        return m;
    }

    private static void await(BooleanSupplier condition, long seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void streamsSpreadOverReplicasThroughHaproxyAndRoundRobin() throws Exception {
        Path haproxy = Tools.require("haproxy", "Debian package haproxy");
        try (Replicas replicas = new Replicas(3, MODELS, dir, SERVER_FLAGS);
             Haproxy lb = new Haproxy(haproxy, replicas, dir)) {
            // 12 concurrent streams on ONE client connection to HAProxy: it balances each HTTP/2 stream
            JsonNode viaLb = load("haproxy", "--server", lb.address(), "--streams", "12", "--frame-count", "4",
                    "--window", "1", "--method", "SCORE_CAM");
            Map<Integer, Double> afterLb = streamsPerReplica(replicas);
            System.out.println("HAProxy: streams per replica " + afterLb + ", OK frames/s "
                    + viaLb.path("ok_frames_per_s").asDouble());
            assertEquals(48, viaLb.path("frames").path("ok").asLong(), viaLb.toString());
            assertEquals(12.0, afterLb.values().stream().mapToDouble(Double::doubleValue).sum(), 0.0, afterLb.toString());
            afterLb.forEach((r, n) -> assertTrue(n >= 1, "replica " + r + " served no stream: " + afterLb));

            // grpc-java's round_robin over the three addresses, without a proxy
            JsonNode viaList = load("round-robin", "--server", replicas.addresses(), "--streams", "12", "--frame-count", "4",
                    "--window", "1", "--method", "SCORE_CAM");
            Map<Integer, Double> afterList = streamsPerReplica(replicas);
            System.out.println("round_robin: streams per replica " + diff(afterList, afterLb) + ", OK frames/s "
                    + viaList.path("ok_frames_per_s").asDouble());
            assertEquals(48, viaList.path("frames").path("ok").asLong(), viaList.toString());
            diff(afterList, afterLb).forEach((r, n) -> assertTrue(n >= 1, "round_robin left replica " + r + " out"));

            // a dns:/// target resolves like a headless Service would
            JsonNode viaDns = load("dns", "--server", "dns:///localhost:" + replicas.get(0).port, "--streams", "2",
                    "--frame-count", "2", "--method", "EIGEN_CAM");
            assertEquals(4, viaDns.path("frames").path("ok").asLong(), viaDns.toString());

            // for comparison on the same machine: the same 12 streams on one replica
            JsonNode single = load("one-replica", "--server", replicas.get(0).address(), "--streams", "12",
                    "--frame-count", "4", "--window", "1", "--method", "SCORE_CAM");
            System.out.println("THROUGHPUT (3 replicas on " + Runtime.getRuntime().availableProcessors()
                    + " cores) haproxy=" + viaLb.path("ok_frames_per_s").asDouble() + " round_robin="
                    + viaList.path("ok_frames_per_s").asDouble() + " one_replica=" + single.path("ok_frames_per_s").asDouble()
                    + " OK frames/s");
        }
    }

    private static Map<Integer, Double> diff(Map<Integer, Double> after, Map<Integer, Double> before) {
        Map<Integer, Double> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0.0)));
        return d;
    }

    /**
     * `load --reconnect` over {@code server} (6 streams x 25 frames, window 2); once the victim has answered a
     * few frames it is killed (SIGKILL) or stopped (SIGTERM: drain). Returns the report's frame counts.
     */
    private JsonNode failover(Replicas replicas, String server, String name, boolean kill) throws Exception {
        Replicas.Replica victim = replicas.get(1);
        Path json = dir.resolve(name + ".json");
        List<String> cmd = java("io.scorecam.loadtest.LoadTestCli", "load", "--server", server, "--streams", "6",
                "--frame-count", "25", "--window", "2", "--method", "SCORE_CAM", "--reconnect", "--json", json.toString());
        Path log = dir.resolve(name + ".log");
        Process load = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await(() -> victim.metric("scorecam_frames_succeeded_total") >= 4, 120, "the victim to answer frames");
            double inFlight = victim.metric("scorecam_frames_in_flight");
            if (kill) {
                victim.process.destroyForcibly(); // SIGKILL: no drain, its streams just die
            } else {
                victim.process.destroy(); // SIGTERM: health NOT_SERVING, drain, then exit
            }
            assertTrue(victim.process.waitFor(30, TimeUnit.SECONDS), "the victim did not exit");
            boolean finished = load.waitFor(180, TimeUnit.SECONDS);
            System.out.println("[" + name + "] " + Files.readString(log).strip().replace("\n", "\n[" + name + "] "));
            assertTrue(finished, "load did not finish");
            JsonNode frames = JSON.readTree(json.toFile()).path("frames");
            System.out.println((kill ? "KILL -9 " : "SIGTERM ") + name + ": victim had " + inFlight
                    + " frame(s) in flight; reconnects=" + frames.path("reconnects") + " first_cut=" + frames.path("first_cut")
                    + " resent=" + frames.path("resent") + " lost=" + frames.path("lost_ids") + " duplicates="
                    + frames.path("duplicates") + " ok=" + frames.path("ok") + " victim exit=" + victim.process.exitValue());
            assertTrue(frames.path("reconnects").asLong() >= 1, "the victim's streams were replaced: " + frames);
            assertEquals(0, frames.path("duplicates").asLong(), "no frame answered twice: " + frames);
            assertEquals(0, frames.path("lost_ids").size(), "nothing left unanswered: " + frames);
            assertEquals(150, frames.path("ok").asLong(), "every frame answered exactly once: " + frames);
            assertEquals(0, load.exitValue(), Files.readString(log));
            return frames;
        } finally {
            load.destroyForcibly();
        }
    }

    @Test
    void killMinus9BehindHaproxyLoadReconnectsAndResendsOnlyWhatWasInFlight() throws Exception {
        Path haproxy = Tools.require("haproxy", "Debian package haproxy");
        try (Replicas replicas = new Replicas(3, MODELS, dir, SERVER_FLAGS);
             Haproxy lb = new Haproxy(haproxy, replicas, dir)) {
            JsonNode frames = failover(replicas, lb.address(), "kill-haproxy", true);
            // HAProxy cuts the dead replica's streams without gRPC trailers (see StreamCuts)
            assertTrue(frames.path("first_cut").asText().startsWith("INTERNAL")
                    || frames.path("first_cut").asText().startsWith("UNAVAILABLE"), frames.toString());
            // only the frames in flight on the killed streams were sent again: at most a window (2) per stream
            long resent = frames.path("resent").asLong();
            assertTrue(resent >= 1 && resent <= 6 * 2, frames.toString());
        }
    }

    @Test
    void killMinus9WithClientSideBalancingEndsStreamsUnavailable() throws Exception {
        try (Replicas replicas = new Replicas(3, MODELS, dir, SERVER_FLAGS)) {
            JsonNode frames = failover(replicas, replicas.addresses(), "kill-round-robin", true);
            assertTrue(frames.path("first_cut").asText().startsWith("UNAVAILABLE"), frames.toString());
            assertTrue(frames.path("resent").asLong() >= 1 && frames.path("resent").asLong() <= 6 * 2, frames.toString());
        }
    }

    @Test
    void sigtermUnderLoadDrainsAndLosesNothing() throws Exception {
        Path haproxy = Tools.require("haproxy", "Debian package haproxy");
        try (Replicas replicas = new Replicas(3, MODELS, dir, SERVER_FLAGS);
             Haproxy lb = new Haproxy(haproxy, replicas, dir)) {
            JsonNode frames = failover(replicas, lb.address(), "sigterm-haproxy", false);
            // a drained stream ends UNAVAILABLE "server is shutting down" once its frames are answered
            assertTrue(frames.path("first_cut").asText().contains("shutting down"), frames.toString());
            String victimLog = Files.readString(replicas.get(1).log);
            assertTrue(victimLog.contains("draining"), victimLog);
            assertTrue(!victimLog.contains("grace period over"), "the drain finished within the grace period:\n" + victimLog);
        }
    }

    @Test
    void replayReconnectsAfterKillMinus9AndWritesEveryFrameOnce() throws Exception {
        Path haproxy = Tools.require("haproxy", "Debian package haproxy");
        try (Replicas replicas = new Replicas(3, MODELS, dir, SERVER_FLAGS);
             Haproxy lb = new Haproxy(haproxy, replicas, dir)) {
            Replicas.Replica victim = replicas.get(2);
            Path out = dir.resolve("replay-out");
            Path log = dir.resolve("replay.log");
            List<String> cmd = java("io.scorecam.cli.ScoreCamCli", "replay", FRAMES.toString(), "--server", lb.address(),
                    "--streams", "3", "--method", "SCORE_CAM", "--reconnect", "--out", out.toString());
            Process replay = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                await(() -> victim.metric("scorecam_frames_succeeded_total") >= 3, 120, "the victim to answer frames");
                victim.process.destroyForcibly();
                boolean finished = replay.waitFor(240, TimeUnit.SECONDS);
                String output = Files.readString(log);
                System.out.println("[replay] " + output.strip().replace("\n", "\n[replay] "));
                assertTrue(finished, "replay did not finish");
                assertEquals(0, replay.exitValue(), output);
                assertTrue(output.contains("reconnecting"), output);
                List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
                java.util.Set<String> frames = new java.util.HashSet<>();
                for (String line : lines) {
                    JsonNode r = JSON.readTree(line);
                    frames.add(r.path("stream").asInt() + "/" + r.path("file").asText());
                }
                long sourceFrames;
                try (var files = Files.list(FRAMES)) {
                    sourceFrames = files.filter(f -> f.toString().endsWith(".png")).count();
                }
                System.out.println("REPLAY kill -9: " + lines.size() + " results for " + 3 * sourceFrames + " frames, "
                        + frames.size() + " distinct");
                assertEquals(3 * sourceFrames, lines.size(), "one result per frame and stream");
                assertEquals(3 * sourceFrames, frames.size(), "no frame answered twice");
            } finally {
                replay.destroyForcibly();
            }
        }
    }
}
