package io.scorecam.cli.output;

import io.scorecam.api.v1.ClassScore;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.MapImages;
import io.scorecam.server.image.RgbImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what one answered frame produced under --out: an overlay JPEG per class (the server's JET blend,
 * pytorch-grad-cam's show_cam_on_image), optionally the float32 maps as .npy, and its results.jsonl line.
 * Thread-safe (streams write concurrently); results.jsonl lines are whole lines.
 */
public final class FrameOutput implements AutoCloseable {
    /** Frames the client reads back for overlays are the user's own files: generous but bounded. */
    private static final long MAX_PIXELS = 100_000_000L;

    private final Path root;
    private final boolean saveMaps;
    private final OverlayNames names;
    private final boolean legend;
    private final ResultsLog results;
    private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);

    public FrameOutput(Path root, boolean saveMaps) throws IOException {
        this(root, saveMaps, "SCORE_CAM", false);
    }

    /**
     * @param method the request's method, part of every overlay and map file name
     * @param legend draw a JET colour bar (0 to 1) beside each overlay
     */
    public FrameOutput(Path root, boolean saveMaps, String method, boolean legend) throws IOException {
        this.root = root;
        this.saveMaps = saveMaps;
        this.names = new OverlayNames(method);
        this.legend = legend;
        Files.createDirectories(root);
        this.results = new ResultsLog(root.resolve("results.jsonl"));
    }

    public Path root() {
        return root;
    }

    /**
     * Writes the files of one frame and its results line.
     *
     * @param subdir    where under the root its images go ("" for the root itself)
     * @param stem      the frame file's name without extension
     * @param frame     the frame's bytes (for the overlay background), or null for none
     * @param record    the line's identification fields (stream, loop, file, ...), in order
     * @param latencyMs round-trip time measured by the client
     */
    public void write(String subdir, String stem, byte[] frame, Map<String, Object> record, ExplainResponse r,
                      double latencyMs) {
        write(subdir, stem, frame, null, record, r, latencyMs);
    }

    /**
     * As above, for a frame whose pixels the client already has (a decoded video frame): {@code pixels} is the
     * overlay background and {@code frame} may be null.
     */
    public void write(String subdir, String stem, byte[] frame, RgbImage pixels, Map<String, Object> record,
                      ExplainResponse r, double latencyMs) {
        Map<String, Object> line = new LinkedHashMap<>(record);
        line.put("frame_id", r.getFrameId());
        line.put("status", r.getStatus().name());
        if (!r.getErrorCode().isEmpty() || !r.getErrorMessage().isEmpty()) {
            line.put("error_code", r.getErrorCode());
            line.put("error_message", r.getErrorMessage());
        }
        line.put("forward_passes", r.getForwardPasses());
        line.put("latency_ms", round(latencyMs));
        line.put("server_total_ms", round(r.getTotalMs()));
        line.put("server_queue_ms", round(r.getQueueMs()));
        line.put("server_compute_ms", round(r.getComputeMs()));
        line.put("predictions", predictions(r.getPredictionsList()));
        List<Map<String, Object>> classes = new ArrayList<>();
        try {
            Path dir = subdir.isEmpty() ? root : root.resolve(subdir);
            Files.createDirectories(dir);
            RgbImage background = r.getMapsCount() == 0 ? null
                    : pixels != null ? pixels : frame != null ? decodeOrNull(frame) : null;
            for (SaliencyMap m : r.getMapsList()) {
                classes.add(writeMap(dir, stem, background, m));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write under " + root + ": " + e.getMessage(), e);
        }
        line.put("classes", classes);
        results.append(line);
    }

    private Map<String, Object> writeMap(Path dir, String stem, RgbImage background, SaliencyMap m) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("class_id", m.getClassId());
        c.put("label", m.getLabel());
        c.put("probability", m.getProbability());
        c.put("raw_max", m.getRawMax());
        c.put("width", m.getWidth());
        c.put("height", m.getHeight());
        if (m.getClassAgnostic()) {
            c.put("class_agnostic", true);
        }
        if (m.hasFaithfulness()) {
            c.put("faithfulness", faithfulness(m.getFaithfulness()));
        }
        String base = names.base(stem, m);
        float[] values = values(m);
        if (background != null && values.length > 0) {
            Path overlay = dir.resolve(base + ".jpg");
            RgbImage drawn = MapImages.overlayRgb(background, values, m.getWidth(), m.getHeight());
            Files.write(overlay, MapImages.jpeg(legend ? Legend.beside(drawn) : drawn, MapImages.OVERLAY_JPEG_QUALITY));
            c.put("overlay", root.relativize(overlay).toString());
        }
        if (saveMaps && values.length > 0) {
            Path npy = dir.resolve(base + ".npy");
            NpyWriter.write(npy, values, m.getHeight(), m.getWidth());
            c.put("npy", root.relativize(npy).toString());
        }
        return c;
    }

    /** The proto's fields under its JSON names, curves included (they are what the AUCs summarise). */
    private static Map<String, Object> faithfulness(Faithfulness f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("original_score", f.getOriginalScore());
        out.put("explanation_score", f.getExplanationScore());
        out.put("drop", f.getDrop());
        out.put("increase", f.getIncrease());
        out.put("deletion_auc", f.getDeletionAuc());
        out.put("insertion_auc", f.getInsertionAuc());
        out.put("deletion_curve", f.getDeletionCurveList());
        out.put("insertion_curve", f.getInsertionCurveList());
        return out;
    }

    /** The map's values as floats (empty when the response carries none). */
    public static float[] values(SaliencyMap m) {
        float[] v = new float[m.getValuesCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = m.getValues(i);
        }
        return v;
    }

    private RgbImage decodeOrNull(byte[] frame) {
        try {
            return decoder.decode(frame);
        } catch (ScoreCamException e) {
            return null; // the server explained it, so it decodes there; no overlay here is not worth failing for
        }
    }

    private static List<Map<String, Object>> predictions(List<ClassScore> scores) {
        List<Map<String, Object>> out = new ArrayList<>(scores.size());
        for (ClassScore s : scores) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("class_id", s.getClassId());
            p.put("label", s.getLabel());
            p.put("probability", s.getProbability());
            out.add(p);
        }
        return out;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }

    @Override
    public void close() throws IOException {
        results.close();
    }
}
