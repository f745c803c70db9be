package io.scorecam.server.engine.faithfulness;

import io.scorecam.server.image.RiseBlur;

import java.nio.FloatBuffer;

/**
 * The images the faithfulness metrics score for one frame, as lazy {@link ProbeImage}s over what the frame
 * shares: its preprocessed input, the input's RISE blur (made once) and each map's {@link PixelOrder}.
 * Probes are records of references (identity equality), so equal probes can be merged.
 */
public final class ProbeImages {
    /** What a probe shows. */
    public enum Kind {
        /** the input multiplied by the map, the same factor for every channel (Chattopadhay et al.) */
        EXPLANATION,
        /** the input with its first {@code changed} pixels in the order set to 0, every channel (RISE) */
        DELETION,
        /** the blurred input with its first {@code changed} pixels in the order copied from the input (RISE) */
        INSERTION
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private final float[] input;
    private final float[] blurred;
    private final int channels;
    private final int plane;

    /** @param input the preprocessed frame, [channels, height, width] */
    public ProbeImages(float[] input, int channels, int height, int width) {
        if (input.length != channels * height * width) {
            throw new IllegalArgumentException("input has " + input.length + " floats, expected "
                    + channels + "x" + height + "x" + width);
        }
        this.input = input;
        this.channels = channels;
        this.plane = height * width;
        this.blurred = RiseBlur.blur(input, channels, height, width);
    }

    /** Pixels per channel. */
    public int pixels() {
        return plane;
    }

    public Probe explanation(float[] map) {
        checkMap(map);
        return new Probe(this, Kind.EXPLANATION, map, null, 0);
    }

    /** The input after deleting {@code changed} pixels; every pixel (the all-zero image) needs no order. */
    public Probe deletion(PixelOrder order, int changed) {
        return new Probe(this, Kind.DELETION, null, changed >= plane ? null : checkOrder(order),
                Math.min(changed, plane));
    }

    /** The blur after inserting {@code changed} pixels; none (the blur itself) needs no order. */
    public Probe insertion(PixelOrder order, int changed) {
        return new Probe(this, Kind.INSERTION, null, changed <= 0 ? null : checkOrder(order), Math.max(changed, 0));
    }

    private void checkMap(float[] map) {
        if (map.length != plane) {
            throw new IllegalArgumentException("map has " + map.length + " values, the input " + plane + " pixels");
        }
    }

    private PixelOrder checkOrder(PixelOrder order) {
        if (order.size() != plane) {
            throw new IllegalArgumentException("order has " + order.size() + " pixels, the input " + plane);
        }
        return order;
    }

    /** One lazy probe image; map is set for EXPLANATION, order when the image depends on it. */
    public record Probe(ProbeImages images, Kind kind, float[] map, PixelOrder order, int changed)
            implements ProbeImage {

        @Override
        public void writeTo(FloatBuffer dst) {
            images.write(this, dst);
        }
    }

    /** One channel at a time through a per-thread scratch row, so the buffer gets bulk puts. */
    private void write(Probe p, FloatBuffer dst) {
        float[] row = SCRATCH.get();
        if (row.length < plane) {
            row = new float[plane];
            SCRATCH.set(row);
        }
        for (int c = 0; c < channels; c++) {
            fill(p, c * plane, row);
            dst.put(row, 0, plane);
        }
    }

    /**
     * Starts from whichever of the two images the probe shares more pixels with and writes only the other
     * pixels, through the order (at most half of them): no per-pixel branch on the saliency order.
     */
    private void fill(Probe p, int base, float[] row) {
        switch (p.kind()) {
            case EXPLANATION -> {
                float[] map = p.map();
                for (int i = 0; i < plane; i++) {
                    row[i] = input[base + i] * map[i];
                }
            }
            case DELETION -> {
                if (p.order() == null) {
                    java.util.Arrays.fill(row, 0, plane, 0f);
                } else {
                    mix(p.order(), p.changed(), null, input, base, row);
                }
            }
            case INSERTION -> {
                if (p.order() == null) {
                    System.arraycopy(blurred, base, row, 0, plane);
                } else {
                    mix(p.order(), p.changed(), input, blurred, base, row);
                }
            }
        }
    }

    /** row = the first {@code changed} pixels of the order from head (null: zeros), the rest from tail. */
    private void mix(PixelOrder order, int changed, float[] head, float[] tail, int base, float[] row) {
        if (changed <= plane / 2) {
            System.arraycopy(tail, base, row, 0, plane);
            for (int r = 0; r < changed; r++) {
                int p = order.pixel(r);
                row[p] = head == null ? 0f : head[base + p];
            }
        } else {
            if (head == null) {
                java.util.Arrays.fill(row, 0, plane, 0f);
            } else {
                System.arraycopy(head, base, row, 0, plane);
            }
            for (int r = changed; r < plane; r++) {
                int p = order.pixel(r);
                row[p] = tail[base + p];
            }
        }
    }
}
