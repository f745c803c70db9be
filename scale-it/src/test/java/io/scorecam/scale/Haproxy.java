package io.scorecam.scale;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TEST ONLY: HAProxy (Debian's haproxy 2.6) in front of the replicas, HTTP/2 cleartext on both sides, so each
 * gRPC stream (an HTTP/2 stream) is balanced on its own, round robin. Runs in the foreground (-db) as this
 * test's child; stopped in close().
 */
final class Haproxy implements AutoCloseable {
    final int port;
    private final Process process;
    final Path log;

    Haproxy(Path haproxy, Replicas replicas, Path dir) throws Exception {
        port = Replicas.freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 120s
                    timeout server 120s
                    # a request that cannot connect to a dead replica is sent to another one
                    retries 3
                    option redispatch
                frontend grpc
                    bind 127.0.0.1:%d proto h2
                    default_backend replicas
                backend replicas
                    balance roundrobin
                """.formatted(port));
        for (Replicas.Replica r : replicas.replicas) {
            cfg.append("    server r").append(r.index).append(" 127.0.0.1:").append(r.port)
                    .append(" proto h2 check inter 500ms fall 1 rise 2\n");
        }
        Path conf = dir.resolve("haproxy.cfg");
        Files.writeString(conf, cfg);
        log = dir.resolve("haproxy.log");
        Tools.Result check = Tools.run(List.of(haproxy.toString(), "-c", "-f", conf.toString()), dir, 30);
        if (check.exit() != 0) {
            throw new AssertionError("haproxy -c:\n" + check.out() + "\n" + cfg);
        }
        process = new ProcessBuilder(haproxy.toString(), "-db", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new AssertionError("haproxy exited:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("haproxy did not listen on " + port + ":\n" + Files.readString(log));
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
