package io.scorecam.server.stream;

import com.google.protobuf.ByteString;
import io.scorecam.api.v1.ClassScore;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.ClassProbability;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.image.RgbImage;

/** Engine result -> proto response; encodes PNG / overlay payloads, so it runs on a codec thread. */
final class ResponseBuilder {
    private final MapEncoder encoder;

    ResponseBuilder(MapEncoder encoder) {
        this.encoder = encoder;
    }

    /**
     * @param model  the version of the model the frame ran on (its labels)
     * @param timing queue / compute / total milliseconds as seen by the server
     */
    ExplainResponse ok(ExplainRequest r, ModelDescription model, RgbImage frame, FrameResult result, Timing timing) {
        // values are what a client gets when it asks for nothing in particular
        boolean values = r.getWantValues() || (!r.getWantPng() && !r.getWantOverlay());
        ExplainResponse.Builder b = ExplainResponse.newBuilder()
                .setFrameId(r.getFrameId())
                .setStatus(FrameStatus.OK)
                .setForwardPasses(result.forwardPasses());
        for (ClassProbability p : result.predictions()) {
            b.addPredictions(ClassScore.newBuilder().setClassId(p.classId())
                    .setLabel(ModelCatalog.label(model, p.classId())).setProbability(p.probability()));
        }
        for (ClassMap m : result.maps()) {
            SaliencyMap.Builder map = SaliencyMap.newBuilder()
                    .setClassId(m.classId())
                    .setLabel(ModelCatalog.label(model, m.classId()))
                    .setProbability(m.probability())
                    .setWidth(m.width())
                    .setHeight(m.height())
                    .setRawMax(m.rawMax())
                    .setClassAgnostic(m.classAgnostic());
            if (m.faithfulness() != null) {
                map.setFaithfulness(faithfulness(m.faithfulness()));
            }
            if (values) {
                for (float v : m.values()) {
                    map.addValues(v);
                }
            }
            if (r.getWantPng()) {
                map.setPng(ByteString.copyFrom(encoder.png(m.values(), m.width(), m.height())));
            }
            if (r.getWantOverlay()) {
                map.setOverlayJpeg(ByteString.copyFrom(
                        encoder.overlayJpeg(frame, m.values(), m.width(), m.height())));
            }
            b.addMaps(map);
        }
        return timing.applyTo(b).build();
    }

    private static io.scorecam.api.v1.Faithfulness faithfulness(Faithfulness f) {
        io.scorecam.api.v1.Faithfulness.Builder b = io.scorecam.api.v1.Faithfulness.newBuilder()
                .setOriginalScore(f.originalScore())
                .setExplanationScore(f.explanationScore())
                .setDrop(f.drop())
                .setIncrease(f.increase())
                .setDeletionAuc(f.deletionAuc())
                .setInsertionAuc(f.insertionAuc());
        for (float v : f.deletionCurve()) {
            b.addDeletionCurve(v);
        }
        for (float v : f.insertionCurve()) {
            b.addInsertionCurve(v);
        }
        return b.build();
    }

    static ExplainResponse error(long frameId, ErrorCode code, String message, Timing timing) {
        return timing.applyTo(ExplainResponse.newBuilder()
                .setFrameId(frameId)
                .setStatus(FrameStatus.ERROR)
                .setErrorCode(code.name())
                .setErrorMessage(message == null ? code.name() : message)).build();
    }

    static ExplainResponse skipped(long frameId, long arrivalNanos) {
        float ms = (float) ((System.nanoTime() - arrivalNanos) / 1e6);
        return ExplainResponse.newBuilder()
                .setFrameId(frameId)
                .setStatus(FrameStatus.SKIPPED)
                .setQueueMs(ms)
                .setTotalMs(ms)
                .build();
    }

    /** Where a frame's time went, in milliseconds. */
    record Timing(double queueMs, double computeMs, double totalMs) {
        ExplainResponse.Builder applyTo(ExplainResponse.Builder b) {
            return b.setQueueMs((float) queueMs).setComputeMs((float) computeMs).setTotalMs((float) totalMs);
        }
    }
}
