package io.scorecam.cli.replay;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.SaliencyMap;

/**
 * The faithfulness figures of a run, over the maps that came back with metrics (want_metrics): Average Drop
 * and Increase in Confidence as Chattopadhay et al. report them (percentages), and the mean RISE deletion and
 * insertion AUC. Maps without metrics (a server that does not compute them) are counted apart, never as zero.
 * Thread-safe: every stream records into it.
 */
public final class FaithfulnessStats {
    private long maps;
    private long withoutMetrics;
    private double drop;
    private long increases;
    private double deletionAuc;
    private double insertionAuc;

    /** Adds every map of an answered frame. */
    public synchronized void add(ExplainResponse response) {
        for (SaliencyMap m : response.getMapsList()) {
            if (!m.hasFaithfulness()) {
                withoutMetrics++;
                continue;
            }
            Faithfulness f = m.getFaithfulness();
            maps++;
            drop += f.getDrop();
            increases += f.getIncrease() ? 1 : 0;
            deletionAuc += f.getDeletionAuc();
            insertionAuc += f.getInsertionAuc();
        }
    }

    public synchronized Snapshot snapshot() {
        if (maps == 0) {
            return new Snapshot(0, withoutMetrics, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Snapshot(maps, withoutMetrics, 100 * drop / maps, 100.0 * increases / maps, deletionAuc / maps,
                insertionAuc / maps);
    }

    /**
     * @param maps           maps that carried metrics
     * @param withoutMetrics maps that did not
     * @param averageDropPct mean of drop x 100 (NaN without maps)
     * @param increasePct    % of maps whose score rose on the masked frame
     * @param deletionAuc    mean deletion AUC (lower is better)
     * @param insertionAuc   mean insertion AUC (higher is better)
     */
    public record Snapshot(long maps, long withoutMetrics, double averageDropPct, double increasePct,
                           double deletionAuc, double insertionAuc) {
    }
}
