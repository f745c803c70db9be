package io.scorecam.server.stream;

import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints the streaming layer's own throughput (explainer answers at once): what the server costs per frame
 * on top of the engine. Not a unit test (no assertions on time): tagged so no test run picks it up; run with
 * {@code -Dsurefire.excludedGroups= -Dtest=StreamOverheadBenchmark}.
 */
@Tag("benchmark")
class StreamOverheadBenchmark {

    @Test
    void framesPerSecondThroughTheStreamLayer() throws Exception {
        try (TestServer t = new TestServer("--stream-window=8")) {
            run(t, 500, 2, 2);   // warm-up
            run(t, 5000, 2, 2);
            run(t, 1000, 224, 224);
            run(t, 200, 1280, 720);
        }
    }

    private static void run(TestServer t, int frames, int w, int h) throws Exception {
        ExplainRequest[] reqs = new ExplainRequest[frames];
        for (int i = 0; i < frames; i++) {
            reqs[i] = Frames.frame(i, w, h).build();
        }
        Collector c = new Collector();
        long start = System.nanoTime();
        StreamObserver<ExplainRequest> out = t.async().explainStream(c);
        for (ExplainRequest r : reqs) {
            out.onNext(r);
        }
        out.onCompleted();
        c.await();
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("stream layer: %d raw %dx%d frames in %.2f s = %.0f frames/s (%.1f MB/s in)%n",
                frames, w, h, s, frames / s, frames * (double) w * h * 3 / 1e6 / s);
    }
}
