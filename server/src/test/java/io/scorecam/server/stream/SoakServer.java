package io.scorecam.server.stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.server.config.ServerConfig;

import java.util.concurrent.TimeUnit;

/**
 * TEST ONLY: a server with the controllable explainer in its own JVM, so {@link HostileSoakTest} can measure
 * its resident memory. Prints "PORT n"; exits when stdin closes (the test ended or died).
 */
public final class SoakServer {
    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        ControllableExplainer explainer = new ControllableExplainer();
        explainer.delayMs = 3;
        explainer.jitter = true;
        ServerConfig config = ServerConfig.parse(args);
        ScoreCamServer server = ScoreCamServer.start(config, explainer, new TestMapEncoder(), new SimpleMeterRegistry())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close stdin
        }
        server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.exit(0);
    }
}
