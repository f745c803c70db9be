package io.scorecam.loadtest;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The frames a load run sends. Either the JPEG/PNG files of a directory or seeded noise frames. Sent as
 * file bytes, or as raw RGB pixels; raw frames can be made unique (the frame number and the run's nonce are
 * painted into two small squares) so the server's frame cache never turns a repeated file into a free answer --
 * live video never repeats a frame exactly either. The cache keys on the model's input tensor, so the squares
 * are sized to survive the resize to the model's input ({@link #forModelInput}): a 1280x720 frame stamped in
 * its first five pixels reached a 224x224 model unchanged, and every frame after the first was a cache hit.
 */
public final class FrameSource {
    /** How frames travel. */
    public enum Encoding { RAW, FILE }

    private final List<byte[]> files = new ArrayList<>();
    private final List<RawImage> raws = new ArrayList<>();
    private final Encoding encoding;
    private final boolean unique;
    /** The model input the stamp must survive; 0: the frames' own size. */
    private final int modelWidth;
    private final int modelHeight;

    private FrameSource(Encoding encoding, boolean unique) {
        this.encoding = encoding;
        this.unique = unique;
        this.modelWidth = 0;
        this.modelHeight = 0;
    }

    private FrameSource(FrameSource frames, int modelWidth, int modelHeight) {
        this.encoding = frames.encoding;
        this.unique = frames.unique;
        this.files.addAll(frames.files);
        this.raws.addAll(frames.raws);
        this.modelWidth = modelWidth;
        this.modelHeight = modelHeight;
    }

    /** These frames, stamped (when unique) so that the stamp survives a resize to a model input of this size. */
    public FrameSource forModelInput(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("model input must be positive, got " + width + "x" + height);
        }
        return new FrameSource(this, width, height);
    }

    /**
     * Reads every .png/.jpg/.jpeg in {@code dir} (sorted by name).
     *
     * @throws IllegalArgumentException when the directory holds no readable image
     */
    public static FrameSource fromDirectory(Path dir, Encoding encoding, boolean unique) throws IOException {
        FrameSource source = new FrameSource(encoding, unique);
        List<Path> paths;
        try (Stream<Path> list = Files.list(dir)) {
            paths = list.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
            }).sorted().toList();
        }
        for (Path p : paths) {
            byte[] bytes = Files.readAllBytes(p);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("cannot decode frame " + p);
            }
            source.files.add(bytes);
            source.raws.add(toRaw(image));
        }
        if (source.files.isEmpty()) {
            throw new IllegalArgumentException("no .png/.jpg/.jpeg frames in " + dir);
        }
        return source;
    }

    /** {@code count} seeded noise frames of width x height (sent raw; FILE encoding gets PNGs of them). */
    public static FrameSource noise(int width, int height, int count, Encoding encoding, boolean unique) {
        FrameSource source = new FrameSource(encoding, unique);
        Random random = new Random(7);
        for (int i = 0; i < count; i++) {
            byte[] rgb = new byte[width * height * 3];
            random.nextBytes(rgb);
            RawImage raw = RawImage.newBuilder().setWidth(width).setHeight(height).setFormat(PixelFormat.RGB8)
                    .setPixels(ByteString.copyFrom(rgb)).build();
            source.raws.add(raw);
            source.files.add(encoding == Encoding.FILE ? png(raw) : new byte[0]);
        }
        return source;
    }

    public int size() {
        return raws.size();
    }

    public Encoding encoding() {
        return encoding;
    }

    public boolean unique() {
        return unique && encoding == Encoding.RAW;
    }

    /**
     * Sets the image of {@code request} to frame {@code index} (cycling); when unique, stamped with
     * {@code serial} and {@code nonce}.
     */
    public void fill(io.scorecam.api.v1.ExplainRequest.Builder request, long index, long serial, long nonce) {
        int i = (int) Math.floorMod(index, (long) raws.size());
        if (encoding == Encoding.FILE) {
            request.setEncoded(ByteString.copyFrom(files.get(i)));
            return;
        }
        RawImage raw = raws.get(i);
        if (!unique) {
            request.setRaw(raw);
            return;
        }
        byte[] pixels = raw.getPixels().toByteArray();
        stamp(pixels, raw.getWidth(), raw.getHeight(), serial, nonce);
        // the array is this frame's own and never written again: wrap it rather than copy it (the client shares
        // the server's two cores in a bench)
        request.setRaw(raw.toBuilder().setPixels(UnsafeByteOperations.unsafeWrap(pixels)));
    }

    /**
     * Paints the serial's and the nonce's low 24 bits as the colours of two squares side by side, at the middle
     * of the frame's top edge (of its left edge when it is portrait): the part of a frame every resize keeps,
     * stretched or centre-cropped. Each square spans the taps of at least one output pixel of the model's
     * bilinear resize, so two frames stamped differently reach the model differently.
     */
    private void stamp(byte[] rgb, int width, int height, long serial, long nonce) {
        double scale = modelWidth == 0 ? 1
                : Math.max((double) width / modelWidth, (double) height / modelHeight);
        int side = Math.min(Math.min(width / 2, height), 2 * (int) Math.ceil(scale) + 2);
        boolean landscape = width >= height;
        int x0 = landscape ? Math.max(0, width / 2 - side) : 0;
        int y0 = landscape ? 0 : Math.max(0, height / 2 - side);
        for (int square = 0; square < 2; square++) {
            long value = square == 0 ? serial : nonce;
            int sx = landscape ? x0 + square * side : x0;
            int sy = landscape ? y0 : y0 + square * side;
            for (int y = sy; y < Math.min(height, sy + side); y++) {
                for (int x = sx; x < Math.min(width, sx + side); x++) {
                    int at = 3 * (y * width + x);
                    rgb[at] = (byte) value;
                    rgb[at + 1] = (byte) (value >>> 8);
                    rgb[at + 2] = (byte) (value >>> 16);
                }
            }
        }
    }

    private static RawImage toRaw(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return RawImage.newBuilder().setWidth(w).setHeight(h).setFormat(PixelFormat.RGB8)
                .setPixels(ByteString.copyFrom(rgb)).build();
    }

    private static byte[] png(RawImage raw) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        byte[] rgb = raw.getPixels().toByteArray();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) {
            image.setRGB(i % w, i / w, ((rgb[3 * i] & 0xff) << 16) | ((rgb[3 * i + 1] & 0xff) << 8) | (rgb[3 * i + 2] & 0xff));
        }
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding of a noise frame failed", e);
        }
    }
}
