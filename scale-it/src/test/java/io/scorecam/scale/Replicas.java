package io.scorecam.scale;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TEST ONLY: server replicas as separate JVMs (io.scorecam.server.Main on this module's classpath), so kill -9
 * and SIGTERM are real process signals, each on its own free loopback gRPC and metrics port.
 */
final class Replicas implements AutoCloseable {
    static final class Replica {
        final int index;
        final int port;
        final int metricsPort;
        final Path log;
        Process process;

        Replica(int index, int port, int metricsPort, Path log) {
            this.index = index;
            this.port = port;
            this.metricsPort = metricsPort;
            this.log = log;
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        /** A counter or gauge from the replica's /metrics (sum over its label sets), or -1 when unreachable. */
        double metric(String name) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                double sum = 0;
                Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(r.body());
                while (m.find()) {
                    sum += Double.parseDouble(m.group(2));
                }
                return sum;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    final List<Replica> replicas = new ArrayList<>();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts n replicas serving the given model directory and waits until each is SERVING. */
    Replicas(int n, Path modelDir, Path logDir, String... flags) throws Exception {
        for (int i = 0; i < n; i++) {
            Replica r = new Replica(i, freePort(), freePort(), logDir.resolve("replica-" + i + ".log"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "io.scorecam.server.Main", "--model-dir=" + modelDir, "--host=127.0.0.1", "--port=" + r.port,
                    "--metrics-port=" + r.metricsPort));
            cmd.addAll(List.of(flags));
            r.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(r.log.toFile()).start();
            replicas.add(r);
        }
        for (Replica r : replicas) {
            awaitServing(r, 120);
        }
    }

    Replica get(int i) {
        return replicas.get(i);
    }

    String addresses() {
        return String.join(",", replicas.stream().map(Replica::address).toList());
    }

    static void awaitServing(Replica r, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!r.process.isAlive()) {
                throw new AssertionError("replica " + r.index + " exited:\n" + Files.readString(r.log));
            }
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", r.port).usePlaintext().build();
            try {
                ServingStatus s = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService("scorecam.v1.ExplainService").build()).getStatus();
                if (s == ServingStatus.SERVING) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            } finally {
                ch.shutdownNow();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replica " + r.index + " not SERVING after " + seconds + " s:\n" + Files.readString(r.log));
    }

    @Override
    public void close() throws InterruptedException {
        for (Replica r : replicas) {
            if (r.process != null && r.process.isAlive()) {
                r.process.destroy();
            }
        }
        for (Replica r : replicas) {
            if (r.process != null && !r.process.waitFor(20, TimeUnit.SECONDS)) {
                r.process.destroyForcibly();
            }
        }
    }
}
