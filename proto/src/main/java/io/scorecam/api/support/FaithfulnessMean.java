package io.scorecam.api.support;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.SaliencyMap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Means of the server's faithfulness metrics over the maps that carry them (want_metrics): Average Drop and
 * Increase in Confidence (Chattopadhay et al. 2018) in percent, and the RISE deletion / insertion AUCs.
 * Maps without metrics are counted apart, never averaged in as zeros. Thread-safe (streams share one).
 * Shared by the CLI and the load tester, which have nothing else in common but this API.
 */
public final class FaithfulnessMean {
    private long maps;
    private long withoutMetrics;
    private double drop;
    private long increases;
    private double deletionAuc;
    private double insertionAuc;

    /** Adds every map of a response. */
    public synchronized void add(ExplainResponse response) {
        for (SaliencyMap m : response.getMapsList()) {
            add(m);
        }
    }

    public synchronized void add(SaliencyMap map) {
        if (!map.hasFaithfulness()) {
            withoutMetrics++;
            return;
        }
        Faithfulness f = map.getFaithfulness();
        maps++;
        drop += f.getDrop();
        increases += f.getIncrease() ? 1 : 0;
        deletionAuc += f.getDeletionAuc();
        insertionAuc += f.getInsertionAuc();
    }

    /** Maps that carried metrics. */
    public synchronized long maps() {
        return maps;
    }

    public synchronized long withoutMetrics() {
        return withoutMetrics;
    }

    /** Mean drop x 100; NaN without maps. */
    public synchronized double averageDropPct() {
        return maps == 0 ? Double.NaN : 100 * drop / maps;
    }

    /** % of maps whose class score rose on the frame multiplied by the map; NaN without maps. */
    public synchronized double increasePct() {
        return maps == 0 ? Double.NaN : 100.0 * increases / maps;
    }

    public synchronized double deletionAuc() {
        return maps == 0 ? Double.NaN : deletionAuc / maps;
    }

    public synchronized double insertionAuc() {
        return maps == 0 ? Double.NaN : insertionAuc / maps;
    }

    /** For JSON reports: the means, or only the counts when no map had metrics. */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maps", maps);
        m.put("maps_without_metrics", withoutMetrics);
        if (maps > 0) {
            m.put("average_drop_pct", averageDropPct());
            m.put("increase_in_confidence_pct", increasePct());
            m.put("deletion_auc", deletionAuc());
            m.put("insertion_auc", insertionAuc());
        }
        return m;
    }

    /** The means now, as values. */
    public synchronized Means snapshot() {
        return new Means(maps, withoutMetrics, averageDropPct(), increasePct(), deletionAuc(), insertionAuc());
    }

    /**
     * @param maps           maps that carried metrics
     * @param withoutMetrics maps that did not
     * @param averageDropPct mean of drop x 100 (NaN without maps)
     * @param increasePct    % of maps whose score rose on the frame multiplied by the map (NaN without maps)
     * @param deletionAuc    mean deletion AUC (lower is better)
     * @param insertionAuc   mean insertion AUC (higher is better)
     */
    public record Means(long maps, long withoutMetrics, double averageDropPct, double increasePct,
                        double deletionAuc, double insertionAuc) {
    }
}
