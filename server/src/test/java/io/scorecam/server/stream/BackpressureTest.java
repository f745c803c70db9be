package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackpressureTest {
    private static final int FRAMES = 500;

    /** A client that asks for responses one at a time, each {@code delayMs} after the previous one. */
    private static final class SlowReader extends Collector
            implements ClientResponseObserver<ExplainRequest, ExplainResponse> {
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        volatile long delayMs;
        volatile boolean reading;
        ClientCallStreamObserver<ExplainRequest> call;

        SlowReader(long delayMs, boolean reading) {
            this.delayMs = delayMs;
            this.reading = reading;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ExplainRequest> call) {
            this.call = call;
            call.disableAutoRequestWithInitial(reading ? 1 : 0);
        }

        void startReading() {
            reading = true;
            call.request(1);
        }

        @Override
        public void onNext(ExplainResponse r) {
            super.onNext(r);
            timer.schedule(() -> call.request(1), delayMs, TimeUnit.MILLISECONDS);
        }

        void awaitAll() throws InterruptedException {
            assertTrue(done.await(60, TimeUnit.SECONDS), "got " + responses.size() + " responses");
            timer.shutdownNow();
            assertEquals(Status.Code.OK, status.getCode());
            assertEquals(FRAMES, responses.size());
            for (int i = 0; i < FRAMES; i++) {
                assertEquals(i, responses.get(i).getFrameId());
                assertEquals(FrameStatus.OK, responses.get(i).getStatus());
            }
        }
    }

    @Test
    void fastProducerSlowReaderNeverHasMoreThanTheWindowInTheServer() throws Exception {
        // small HTTP/2 windows so that the server's pause() reaches the sender quickly
        try (TestServer t = new TestServer("--stream-window=2", "--http2-stream-window=65535",
                "--http2-connection-window=65535")) {
            t.explainer.delayMs = 1;
            SlowReader reader = new SlowReader(2, true);
            ClientCallStreamObserver<ExplainRequest> out =
                    (ClientCallStreamObserver<ExplainRequest>) t.async().explainStream(reader);
            int notReady = 0;
            for (int i = 0; i < FRAMES; i++) {
                if (!out.isReady()) {
                    notReady++; // the transport holds the rest: flow control has stopped the sender
                }
                out.onNext(Frames.frame(i, 128, 128).build()); // 48 KiB each; sends as fast as it can
            }
            out.onCompleted();
            reader.awaitAll();
            assertTrue(t.explainer.maxInFlight.get() <= 2, "held " + t.explainer.maxInFlight.get());
            assertTrue(notReady > 0, "HTTP/2 flow control never pushed back on the sender");
        }
    }

    @Test
    void aReaderThatStopsReadingStopsTheServerReading() throws Exception {
        try (TestServer t = new TestServer("--stream-window=2")) {
            t.encoder.pngBytes = 64 * 1024; // heavy responses fill the client's window and our write queue
            SlowReader reader = new SlowReader(0, false);
            ClientCallStreamObserver<ExplainRequest> out =
                    (ClientCallStreamObserver<ExplainRequest>) t.async().explainStream(reader);
            for (int i = 0; i < FRAMES; i++) {
                out.onNext(Frames.frame(i).setWantPng(true).build());
            }
            out.onCompleted();
            // wait until the server stops taking frames
            CallLevelTest.waitUntil(() -> t.explainer.calls.get() > 0);
            int before;
            int after = t.explainer.calls.get();
            do {
                before = after;
                Thread.sleep(300);
                after = t.explainer.calls.get();
            } while (after != before);
            assertTrue(after < FRAMES / 2, "server kept reading from a stalled client: " + after + " frames taken");
            reader.startReading();
            reader.awaitAll();
            assertTrue(t.explainer.maxInFlight.get() <= 2);
        }
    }
}
