package io.scorecam.loadtest.fidelity;

import java.util.List;
import java.util.Locale;

/** Prints fidelity rows: a table for people and one {@code FIDELITY key=value ...} line per row for scripts. */
public final class FidelityReport {
    private FidelityReport() {
    }

    public static String table(List<FidelityRow> rows) {
        int width = Math.max(5, rows.stream().mapToInt(r -> r.model().length()).max().orElse(0));
        String model = "%-" + width + "s";
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, model + " %-17s %-12s %6s %8s %9s %9s %9s %8s %8s %9s%n",
                "model", "method", "convention", "maps", "pearson", "pointing", "avg_drop%", "increase%", "del_auc",
                "ins_auc", "frames/s"));
        for (FidelityRow r : rows) {
            b.append(String.format(Locale.ROOT, model + " %-17s %-12s %6d %8s %9s %9s %9s %8s %8s %9s%n", r.model(),
                    r.method(), r.convention(), r.maps(), num(r.pearson(), 3), num(r.pointing(), 3),
                    num(r.averageDropPct(), 2), num(r.increasePct(), 2), num(r.deletionAuc(), 4),
                    num(r.insertionAuc(), 4), num(r.framesPerSecond(), 2)));
        }
        return b.toString();
    }

    public static String line(FidelityRow r) {
        return String.format(Locale.ROOT, "FIDELITY model=%s method=%s convention=%s maps=%d pearson=%s pointing=%s "
                        + "avg_drop=%s increase=%s del_auc=%s ins_auc=%s fps=%s pearson_maps=%d pearson_undefined=%d "
                        + "pointing_maps=%d metric_maps=%d", r.model(), r.method(), r.convention(), r.maps(),
                num(r.pearson(), 4), num(r.pointing(), 4), num(r.averageDropPct(), 3), num(r.increasePct(), 3),
                num(r.deletionAuc(), 5), num(r.insertionAuc(), 5), num(r.framesPerSecond(), 3), r.pearsonMaps(),
                r.undefinedPearson(), r.pointingMaps(), r.metricMaps());
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
