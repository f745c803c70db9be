package io.scorecam.server.stream;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamOrderingTest {

    @Test
    void threeHundredFramesAnsweredOnceInOrderDespiteOutOfOrderCompletion() throws Exception {
        try (TestServer t = new TestServer("--stream-window=8")) {
            t.explainer.delayMs = 5;
            t.explainer.jitter = true; // completions come back out of order
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            for (long id = 1000; id < 1300; id++) {
                out.onNext(Frames.frame(id).build());
            }
            out.onCompleted();
            assertEquals(Status.Code.OK, c.await().getCode());
            assertEquals(300, c.responses.size());
            for (int i = 0; i < 300; i++) {
                ExplainResponse r = c.responses.get(i);
                assertEquals(1000 + i, r.getFrameId(), "response " + i + " out of order");
                assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorMessage());
                // the map values carry the id the explainer read from this very frame's pixels
                assertEquals((float) r.getFrameId(), r.getMaps(0).getValues(0));
            }
            assertTrue(t.explainer.maxInFlight.get() <= 8, "in flight " + t.explainer.maxInFlight.get());
        }
    }

    @Test
    void unaryAndStreamGiveIdenticalMapsAndLabels() throws Exception {
        try (TestServer t = new TestServer()) {
            ExplainRequest req = Frames.frame(42).addTargetClasses(5).addTargetClasses(2).build();
            ExplainResponse unary = t.blocking().explain(req);
            Collector c = new Collector();
            StreamObserver<ExplainRequest> out = t.async().explainStream(c);
            out.onNext(req);
            out.onCompleted();
            c.await();
            ExplainResponse streamed = c.responses.get(0);
            assertEquals(unary.getMapsList(), streamed.getMapsList());
            assertEquals(unary.getPredictionsList(), streamed.getPredictionsList());
            assertEquals(List.of(5, 2), unary.getMapsList().stream().map(m -> m.getClassId()).toList());
            assertEquals("class-5", unary.getMaps(0).getLabel());
            assertEquals("class-3", unary.getPredictions(0).getLabel());
            assertEquals(7, unary.getForwardPasses());
            assertTrue(unary.getTotalMs() >= unary.getQueueMs());
        }
    }

    @Test
    void wantFlagsSelectPayloadsAndValuesAreTheDefault() throws Exception {
        try (TestServer t = new TestServer()) {
            ExplainResponse plain = t.blocking().explain(Frames.frame(1).build());
            assertEquals(4, plain.getMaps(0).getValuesCount());
            assertTrue(plain.getMaps(0).getPng().isEmpty());

            ExplainResponse png = t.blocking().explain(Frames.frame(2).setWantPng(true).setWantOverlay(true).build());
            assertEquals(0, png.getMaps(0).getValuesCount(), "values only when asked for or nothing else is");
            assertEquals("png 2x2", png.getMaps(0).getPng().toStringUtf8());
            assertEquals("jpeg 2x2", png.getMaps(0).getOverlayJpeg().toStringUtf8());
        }
    }

    @Test
    void listModelsDescribesTheExplainersModels() throws Exception {
        try (TestServer t = new TestServer()) {
            List<ModelInfo> models = t.blocking().listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
            assertEquals(1, models.size());
            assertEquals(ControllableExplainer.MODEL, models.get(0).getName());
            assertEquals(ControllableExplainer.CLASSES, models.get(0).getNumClasses());
            assertTrue(models.get(0).getIsDefault());
            assertEquals("class-9", models.get(0).getLabels(9));
        }
    }
}
