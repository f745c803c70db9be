package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.OverloadPolicy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatestPolicyTest {

    @Test
    void latestSkipsStaleFramesAnswersEveryFrameOnceAndServesTheLast() throws Exception {
        try (TestServer t = new TestServer("--stream-window=1")) {
            t.explainer.delayMs = 30; // much slower than the camera
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            int frames = 60;
            for (int i = 0; i < frames; i++) {
                ExplainRequest.Builder f = Frames.frame(i);
                if (i == 0) {
                    f.setPolicy(OverloadPolicy.LATEST); // read from the first message only
                }
                out.onNext(f.build());
            }
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            assertEquals(frames, c.responses.size());
            int skipped = 0;
            for (int i = 0; i < frames; i++) {
                ExplainResponse r = c.responses.get(i);
                assertEquals(i, r.getFrameId(), "in order, once each");
                if (r.getStatus() == FrameStatus.SKIPPED) {
                    skipped++;
                    assertEquals(0, r.getMapsCount());
                } else {
                    assertEquals(FrameStatus.OK, r.getStatus());
                    assertEquals((float) i, r.getMaps(0).getValues(0));
                }
            }
            assertTrue(skipped > frames / 2, "only " + skipped + " skipped");
            assertEquals(FrameStatus.OK, c.responses.get(frames - 1).getStatus(), "the newest frame is served");
            assertTrue(t.explainer.maxInFlight.get() <= 1);
            assertEquals(frames - skipped, t.explainer.calls.get(), "skipped frames never reach the engine");

            // the metrics endpoint of the running server counts them under the default model and method
            var http = java.net.http.HttpClient.newHttpClient();
            String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + t.server.metricsPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.contains("scorecam_frames_skipped_total{method=\"SCORE_CAM\",model=\"test-model\"} "
                    + skipped + ".0"), body);
            assertTrue(body.contains("scorecam_frames_succeeded_total{convention=\"SEED\",method=\"SCORE_CAM\","
                    + "model=\"test-model\"} " + (frames - skipped) + ".0"), body);
        }
    }

    @Test
    void blockPolicyDropsNothing() throws Exception {
        try (TestServer t = new TestServer("--stream-window=1")) {
            t.explainer.delayMs = 3;
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            for (int i = 0; i < 40; i++) {
                out.onNext(Frames.frame(i).setPolicy(OverloadPolicy.BLOCK).build());
            }
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            assertTrue(c.responses.stream().allMatch(r -> r.getStatus() == FrameStatus.OK));
            assertEquals(40, c.responses.size());
        }
    }
}
