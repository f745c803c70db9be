package io.scorecam.cli.output;

import io.scorecam.api.v1.SaliencyMap;

import java.util.Locale;

/**
 * File names of a frame's overlays and maps: {@code STEM.LABEL.METHOD} (e.g.
 * {@code frame_000012.tiger_cat.SCORE_CAM}), {@code STEM.class-ID.METHOD} for a model without labels, and
 * {@code STEM.METHOD} for a class-agnostic map (EIGEN_CAM), which shows no particular class.
 */
public final class OverlayNames {
    private final String method;

    public OverlayNames(String method) {
        this.method = safe(method.toUpperCase(Locale.ROOT));
    }

    public String base(String stem, SaliencyMap m) {
        if (m.getClassAgnostic()) {
            return stem + "." + method;
        }
        String label = safe(m.getLabel());
        // the id keeps two classes with the same (or no) label apart
        String cls = label.isEmpty() ? "class-" + m.getClassId() : label;
        return stem + "." + cls + "." + method;
    }

    /** Letters, digits, '-' and '_' only: labels such as "tiger cat" or "n01440764 tench, Tinca" become safe names. */
    static String safe(String s) {
        String t = s.strip().replaceAll("[^A-Za-z0-9_-]+", "_");
        t = t.replaceAll("^_+|_+$", "");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }
}
