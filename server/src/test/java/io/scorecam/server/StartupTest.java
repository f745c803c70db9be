package io.scorecam.server;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up as an orchestrator sees it, on the real server in a child JVM: the gRPC port answers while the
 * models still load and tune, health says NOT_SERVING (for the server and the service) with the reason in the
 * log, ExplainService calls are refused with it, then SERVING; a model that cannot load ends the process
 * non-zero with one line naming it.
 */
class StartupTest {
    private static final Path REPO = Path.of(System.getProperty("scorecam.repo.root", "."));
    private static final String SERVICE = "scorecam.v1.ExplainService";

    /** A child JVM running Main, with its stderr lines and when each arrived. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<Long> at = new CopyOnWriteArrayList<>();
        final Thread reader;

        Child(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        at.add(System.nanoTime());
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** When the first line containing {@code text} arrived, or Long.MAX_VALUE. */
        long lineTime(String text) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return at.get(i);
                }
            }
            return Long.MAX_VALUE;
        }

        String log() {
            return String.join("\n", lines);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ServingStatus check(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    private static void addIfNew(List<ServingStatus> seen, ServingStatus s) {
        if (seen.isEmpty() || seen.get(seen.size() - 1) != s) {
            seen.add(s);
        }
    }

    @Test
    void portAnswersNotServingWhileTheModelTunesThenServing() throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        // batch size 0: tuned at load; the warm-up keeps NOT_SERVING observable even on a fast machine
        try (Child child = new Child("--model-dir=" + REPO.resolve("models"), "--host=127.0.0.1", "--port=" + port,
                "--metrics-port=0", "--batch-size=0", "--tune-budget-ms=3000", "--warmup-ms=1500",
                "--warmup-jit-max-ms=2000")) {
            // until the port answers, a fresh channel per probe (as a kubelet probe does): a refused channel
            // would otherwise wait out grpc-java's reconnect backoff (seconds) and hide when the port opened
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                // what each name answered, in order, without repeats (the two checks may straddle the switch)
                List<ServingStatus> seenServer = new ArrayList<>();
                List<ServingStatus> seenService = new ArrayList<>();
                long firstAnswer = 0;
                String refusal = null;
                long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
                while (System.nanoTime() < deadline && child.process.isAlive()) {
                    try {
                        ServingStatus server = check(channel, "");
                        ServingStatus service = check(channel, SERVICE);
                        if (firstAnswer == 0) {
                            firstAnswer = System.nanoTime();
                        }
                        addIfNew(seenServer, server);
                        addIfNew(seenService, service);
                        if (service == ServingStatus.NOT_SERVING && refusal == null) {
                            try {
                                ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                                        .listModels(ListModelsRequest.getDefaultInstance());
                                refusal = "answered";
                            } catch (StatusRuntimeException e) {
                                refusal = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                            }
                        }
                        if (service == ServingStatus.SERVING && server == ServingStatus.SERVING) {
                            break;
                        }
                    } catch (StatusRuntimeException e) {
                        // not listening yet, or the busy JVM has not finished the handshake: a failed probe
                        assertTrue(e.getStatus().getCode() == Status.Code.UNAVAILABLE
                                || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED, e.toString());
                        if (firstAnswer == 0) {
                            channel.shutdownNow();
                            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
                        }
                    }
                    Thread.sleep(20);
                }
                assertEquals(List.of(ServingStatus.NOT_SERVING, ServingStatus.SERVING), seenServer, "\"\": " + child.log());
                assertEquals(List.of(ServingStatus.NOT_SERVING, ServingStatus.SERVING), seenService, SERVICE + ": " + child.log());
                assertTrue(refusal != null && refusal.startsWith("UNAVAILABLE") && refusal.contains("not serving yet"),
                        "an ExplainService call while starting: " + refusal);
                long tuned = child.lineTime("masked items/s by batch size (tuned in");
                assertTrue(tuned != Long.MAX_VALUE, "tuning was logged:\n" + child.log());
                assertTrue(firstAnswer < tuned, "health answered before tuning ended (answer at "
                        + (firstAnswer - t0) / 1_000_000 + " ms, tuned at " + (tuned - t0) / 1_000_000 + " ms)");
                assertTrue(child.log().contains("health NOT_SERVING (starting): tuning the batch size of model shapes"),
                        child.log());
                assertTrue(child.log().contains("health NOT_SERVING (starting): warming up"), child.log());
                assertEquals(1, ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.getDefaultInstance()).getModelsCount());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void aModelThatFailsToLoadEndsTheProcessNonZeroNamingIt(@TempDir Path repo) throws Exception {
        Path broken = Files.createDirectories(repo.resolve("broken"));
        Files.write(broken.resolve("model.onnx"), "this is not an ONNX file".getBytes(StandardCharsets.UTF_8));
        Files.writeString(broken.resolve("model.json"), """
                {"input": {"name": "x", "width": 32, "height": 32, "channels": "RGB", "scale": 255.0,
                           "mean": [0, 0, 0], "std": [1, 1, 1], "resize": "STRETCH"},
                 "output": {"name": "y", "kind": "LOGITS"}}
                """);
        try (Child child = new Child("--model-dir=" + repo, "--host=127.0.0.1", "--port=" + freePort(), "--metrics-port=0")) {
            assertTrue(child.process.waitFor(60, TimeUnit.SECONDS), "the server did not exit:\n" + child.log());
            child.reader.join(5_000);
            assertNotEquals(0, child.process.exitValue(), child.log());
            String last = child.lines.get(child.lines.size() - 1);
            assertTrue(last.startsWith("scorecam-server: ") && last.contains("model.onnx"), child.log());
            assertTrue(child.log().contains("health NOT_SERVING (failed)"), child.log());
        }
    }
}
