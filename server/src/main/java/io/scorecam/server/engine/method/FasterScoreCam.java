package io.scorecam.server.engine.method;

import io.scorecam.server.engine.pass.FrameFeatures;
import io.scorecam.server.engine.pass.LayerShape;
import io.scorecam.server.engine.pass.ScoringPass;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Faster Score-CAM: Score-CAM on only the channels with the largest spatial variance (tf-keras-vis'
 * {@code max_N}); the combination rules of the convention are unchanged.
 */
public final class FasterScoreCam extends ScoreCam {

    @Override
    public Need<?> need(FrameFeatures frame, LayerShape layer, MethodParams params) {
        return new Need<>(new ScoringPass.Rows(params.convention()), topChannels(frame, layer, params));
    }

    private static int[] topChannels(FrameFeatures frame, LayerShape layer, MethodParams params) {
        int maxChannels = params.maxChannels();
        int[] useful = allUseful(frame, layer.channels(), params.convention());
        if (maxChannels <= 0 || maxChannels >= useful.length) {
            return useful;
        }
        double[] variance = new double[layer.channels()];
        int hw = layer.mapSize();
        float[] a = frame.activations();
        for (int k : useful) {
            double mean = 0;
            double sq = 0;
            for (int p = 0; p < hw; p++) {
                double v = a[k * hw + p];
                mean += v;
                sq += v * v;
            }
            mean /= hw;
            variance[k] = sq / hw - mean * mean;
        }
        int[] top = IntStream.of(useful).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> -variance[k]).thenComparingInt(k -> k))
                .limit(maxChannels).mapToInt(Integer::intValue).toArray();
        Arrays.sort(top);
        return top;
    }
}
