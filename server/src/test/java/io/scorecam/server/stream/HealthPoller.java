package io.scorecam.server.stream;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.scorecam.server.lifecycle.Readiness;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tests: asks the server's gRPC health service over and over while a warm-up runs, and records each answer as
 * "STATUS reason" with the readiness reason it was given under (an answer whose state changed meanwhile is
 * dropped, so a status is never paired with the wrong reason). Close to stop and wait for it.
 */
final class HealthPoller implements AutoCloseable {
    private final AtomicBoolean polling = new AtomicBoolean(true);
    private final Thread thread;

    HealthPoller(ManagedChannel channel, Readiness readiness, List<String> seen) {
        thread = new Thread(() -> {
            var health = HealthGrpc.newBlockingStub(channel);
            while (polling.get()) {
                String reason = readiness.state().reason();
                ServingStatus s = health.withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService("scorecam.v1.ExplainService").build())
                        .getStatus();
                if (readiness.state().reason().equals(reason)) { // the answer belongs to that state
                    seen.add(s + " " + reason);
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        polling.set(false);
        thread.join(5_000);
    }
}
