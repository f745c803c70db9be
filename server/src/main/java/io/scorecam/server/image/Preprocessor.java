package io.scorecam.server.image;

import io.scorecam.server.model.ModelConfig.ChannelOrder;
import io.scorecam.server.model.ModelConfig.InputSpec;
import io.scorecam.server.model.ModelConfig.ResizeMode;

/**
 * Brings a frame to the model's input: resize (bilinear, half-pixel, no antialias, like cv2.resize
 * INTER_LINEAR, but in float without rounding to 8 bits), then x = (pixel / scale - mean[c]) / std[c]
 * in the model's channel order, laid out [3, H, W]. Also maps a saliency map back onto the frame.
 * Immutable and thread-safe.
 */
public final class Preprocessor {
    private final InputSpec spec;
    private final int width;
    private final int height;
    private final float scale;
    private final float[] mean;
    private final float[] std;
    /** For tensor channel c, the RGB channel it reads (BGR models swap 0 and 2). */
    private final int[] source;

    public Preprocessor(InputSpec spec) {
        this.spec = spec;
        this.width = spec.width();
        this.height = spec.height();
        this.scale = spec.scale();
        this.mean = spec.mean();
        this.std = spec.std();
        this.source = spec.channels() == ChannelOrder.BGR ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public InputSpec spec() {
        return spec;
    }

    /** The normalised [3, height, width] tensor of a frame of any size. */
    public float[] toChw(RgbImage image) {
        float[] out = new float[3 * width * height];
        toChw(image, out, 0);
        return out;
    }

    /** Writes the [3, height, width] tensor into out at offset (e.g. one slot of a batch buffer). */
    public void toChw(RgbImage image, float[] out, int offset) {
        resize(image, out, offset);
        normalise(out, offset);
    }

    /**
     * Step one of {@link #toChw}: the frame resized to the model's input, [3, height, width] in the model's
     * channel order, still in pixel units (0..255).
     */
    public void resize(RgbImage image, float[] out, int offset) {
        if (offset < 0 || out.length - offset < 3L * width * height) {
            throw new IllegalArgumentException("no room for 3x" + height + "x" + width + " floats at offset "
                    + offset + " of " + out.length);
        }
        Geometry g = geometry(image.width(), image.height());
        Bilinear.Taps xs = Bilinear.taps(image.width(), g.resizedW, false, g.left, width);
        Bilinear.Taps ys = Bilinear.taps(image.height(), g.resizedH, false, g.top, height);
        byte[] rgb = image.rgb();
        int stride = image.width() * 3;
        int plane = width * height;
        // where each tensor channel goes: tensor channel c reads RGB channel source[c]
        int[] target = new int[3];
        for (int c = 0; c < 3; c++) {
            target[source[c]] = offset + c * plane;
        }
        int[] xLo = xs.lo();
        int[] xHi = xs.hi();
        float[] wxs = xs.weightHi();
        for (int y = 0; y < height; y++) {
            int row0 = ys.lo()[y] * stride;
            int row1 = ys.hi()[y] * stride;
            float wy = ys.weightHi()[y];
            int o = y * width;
            for (int x = 0; x < width; x++, o++) {
                int a = row0 + xLo[x] * 3;
                int b = row0 + xHi[x] * 3;
                int c = row1 + xLo[x] * 3;
                int d = row1 + xHi[x] * 3;
                float wx = wxs[x];
                for (int ch = 0; ch < 3; ch++) {
                    float va = rgb[a + ch] & 0xFF;
                    float top = va + ((rgb[b + ch] & 0xFF) - va) * wx;
                    float vc = rgb[c + ch] & 0xFF;
                    float bottom = vc + ((rgb[d + ch] & 0xFF) - vc) * wx;
                    out[target[ch] + o] = top + (bottom - top) * wy;
                }
            }
        }
    }

    /** Step two of {@link #toChw}: x = (pixel / scale - mean[c]) / std[c], in place. */
    public void normalise(float[] chw, int offset) {
        int plane = width * height;
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            for (int i = offset + c * plane, end = i + plane; i < end; i++) {
                chw[i] = (chw[i] / scale - m) / s;
            }
        }
    }

    /**
     * Undoes the geometry for a map computed at model-input geometry (mapW x mapH, any resolution):
     * STRETCH resizes it to origW x origH; CENTER_CROP resizes it onto the frame region the crop came
     * from and leaves zeros where the model never looked.
     */
    public float[] mapToOriginal(float[] map, int mapW, int mapH, int origW, int origH) {
        if (mapW <= 0 || mapH <= 0 || map.length != (long) mapW * mapH) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + mapW + "x" + mapH);
        }
        if (origW <= 0 || origH <= 0) {
            throw new IllegalArgumentException("original size must be positive, got " + origW + "x" + origH);
        }
        if (spec.resize() == ResizeMode.STRETCH) {
            return Bilinear.resize(map, mapW, mapH, origW, origH, false);
        }
        Geometry g = geometry(origW, origH);
        int x0 = toOriginal(g.left, origW, g.resizedW);
        int x1 = Math.max(x0 + 1, toOriginal(g.left + width, origW, g.resizedW));
        int y0 = toOriginal(g.top, origH, g.resizedH);
        int y1 = Math.max(y0 + 1, toOriginal(g.top + height, origH, g.resizedH));
        float[] out = new float[origW * origH];
        Bilinear.resizeInto(map, mapW, mapH, 0, out, origW, y0 * origW + x0,
                Bilinear.taps(mapW, x1 - x0, false), Bilinear.taps(mapH, y1 - y0, false));
        return out;
    }

    private static int toOriginal(int resizedCoord, int origLen, int resizedLen) {
        return (int) Math.min(origLen, Math.round(resizedCoord * (double) origLen / resizedLen));
    }

    /** The frame resized to resizedW x resizedH, of which the model sees [left, left+width) x [top, top+height). */
    private record Geometry(int resizedW, int resizedH, int left, int top) {
    }

    private Geometry geometry(int w, int h) {
        if (spec.resize() == ResizeMode.STRETCH) {
            return new Geometry(width, height, 0, 0);
        }
        double s = Math.max(width / (double) w, height / (double) h);
        int rw = (int) Math.max(width, Math.round(w * s));
        int rh = (int) Math.max(height, Math.round(h * s));
        return new Geometry(rw, rh, (rw - width) / 2, (rh - height) / 2);
    }
}
