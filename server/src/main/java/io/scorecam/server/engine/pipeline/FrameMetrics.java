package io.scorecam.server.engine.pipeline;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.ClassMap;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.Faithfulness;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.model.LoadedModel;
import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.ProbePass;
import io.scorecam.server.batching.BatchScheduler;
import io.scorecam.server.engine.faithfulness.FaithfulnessMeter;
import io.scorecam.server.engine.method.MapFinisher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's side of the faithfulness metrics: gives {@link FaithfulnessMeter} each class's map at model
 * input resolution (finishing it again from the layer map when the request asked for LAYER or ORIGINAL
 * maps), runs the probes on the model's {@link ProbePass} and puts the results on the frame's maps.
 */
public final class FrameMetrics {
    private final FaithfulnessMeter meter;

    public FrameMetrics(BatchScheduler scheduler) {
        this.meter = new FaithfulnessMeter(scheduler);
    }

    /**
     * The result with a {@link Faithfulness} on every map; forward passes and times updated.
     *
     * @param layerMaps each map's layer-resolution map before finishing, in map order
     */
    public CompletableFuture<FrameResult> attach(LoadedModel model, FrameRequest request, FrameFeatures features,
                                          FrameResult result, List<float[]> layerMaps, Convention convention,
                                          FrameCost cost) {
        List<FaithfulnessMeter.Target> targets = new ArrayList<>(result.maps().size());
        for (int i = 0; i < result.maps().size(); i++) {
            ClassMap map = result.maps().get(i);
            targets.add(new FaithfulnessMeter.Target(map.classId(),
                    inputMap(model, request.mapSize(), map, layerMaps.get(i), convention)));
        }
        return measure(model, features, targets, request.metricSteps(), request.cancellation(), cost)
                .thenApply(measured -> {
                    List<ClassMap> maps = new ArrayList<>(measured.size());
                    for (int i = 0; i < measured.size(); i++) {
                        maps.add(result.maps().get(i).withFaithfulness(measured.get(i)));
                    }
                    double total = cost.elapsedMs();
                    return new FrameResult(result.predictions(), maps, cost.passes(), cost.queueMs(),
                            Math.max(0, total - cost.queueMs()));
                });
    }

    /** The metrics of given maps (model input resolution) on a frame; also the seam tests feed maps through. */
    public CompletableFuture<List<Faithfulness>> measure(LoadedModel model, FrameFeatures features,
                                                  List<FaithfulnessMeter.Target> targets, int steps,
                                                  CancellationToken token, FrameCost cost) {
        FaithfulnessMeter.Frame frame = new FaithfulnessMeter.Frame(features.input(), features.probs(),
                model.config().input().height(), model.config().input().width());
        return meter.measure(model.probePass(), frame, targets, steps, token, cost::addPasses, cost::addQueueNanos);
    }

    private static float[] inputMap(LoadedModel model, MapSize size, ClassMap map, float[] layerMap,
                                    Convention convention) {
        if (size == null || size == MapSize.MODEL_INPUT) {
            return map.values();
        }
        return MapFinisher.finish(layerMap, model.layerWidth(), model.layerHeight(), model.config().input().width(),
                model.config().input().height(), convention, false).values();
    }
}
