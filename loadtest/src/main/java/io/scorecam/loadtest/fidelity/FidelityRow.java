package io.scorecam.loadtest.fidelity;

/**
 * One (model, method, convention) of the fidelity report. NaN means "no data" (e.g. no ground truth, no
 * metrics from the server, fps not measured) and is printed as n/a.
 *
 * @param maps            maps compared
 * @param pearson         mean Pearson r with exact Score-CAM's map (exact itself: NaN, it is the reference)
 * @param pearsonMaps     maps in that mean
 * @param undefinedPearson maps left out of it because one of the two maps was constant
 * @param pointing        fraction of pointing-game hits
 * @param pointingMaps    maps with a ground-truth box of their class
 * @param averageDropPct  mean drop x 100
 * @param increasePct     % of maps with an increase in confidence
 * @param deletionAuc     mean RISE deletion AUC
 * @param insertionAuc    mean RISE insertion AUC
 * @param metricMaps      maps that came with metrics
 * @param framesPerSecond end-to-end frames/s of the method
 */
public record FidelityRow(String model, String method, String convention, long maps, double pearson,
                          long pearsonMaps, long undefinedPearson, double pointing, long pointingMaps,
                          double averageDropPct, double increasePct, double deletionAuc, double insertionAuc,
                          long metricMaps, double framesPerSecond) {
}
