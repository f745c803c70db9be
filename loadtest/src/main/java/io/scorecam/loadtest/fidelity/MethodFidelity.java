package io.scorecam.loadtest.fidelity;

import io.scorecam.api.support.FaithfulnessMean;
import io.scorecam.api.v1.SaliencyMap;

/**
 * What one method scored on a model under one convention, map by map: Pearson correlation with exact
 * Score-CAM's map of the same frame and class, pointing-game hits, and the server's faithfulness metrics.
 * A correlation with a constant map is undefined and counted apart, not as zero.
 */
public final class MethodFidelity {
    private long maps;
    private double pearsonSum;
    private long pearsonMaps;
    private long undefinedPearson;
    private long pointingHits;
    private long pointingMaps;
    private final FaithfulnessMean faithfulness = new FaithfulnessMean();

    /** Counts a returned map and its faithfulness metrics (when it has them). */
    public void addMap(SaliencyMap map) {
        maps++;
        faithfulness.add(map);
    }

    /** Maps counted so far. */
    public long maps() {
        return maps;
    }

    /** @param r a correlation, or NaN when it is undefined */
    public void addPearson(double r) {
        if (Double.isNaN(r)) {
            undefinedPearson++;
        } else {
            pearsonSum += r;
            pearsonMaps++;
        }
    }

    public void addPointing(boolean hit) {
        pointingMaps++;
        pointingHits += hit ? 1 : 0;
    }

    /** The summary row; {@code framesPerSecond} comes from a throughput measurement (NaN: not measured). */
    public FidelityRow row(String model, String method, String convention, double framesPerSecond) {
        return new FidelityRow(model, method, convention, maps,
                pearsonMaps == 0 ? Double.NaN : pearsonSum / pearsonMaps, pearsonMaps, undefinedPearson,
                pointingMaps == 0 ? Double.NaN : pointingHits / (double) pointingMaps, pointingMaps,
                faithfulness.averageDropPct(), faithfulness.increasePct(), faithfulness.deletionAuc(),
                faithfulness.insertionAuc(), faithfulness.maps(), framesPerSecond);
    }
}
