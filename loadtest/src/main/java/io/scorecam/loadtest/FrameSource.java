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
 * file bytes, or as raw RGB pixels; raw frames can be made unique (the frame number is written into the
 * first pixels) so the server's frame cache never turns a repeated file into a free answer -- live
 * video never repeats a frame exactly either.
 */
public final class FrameSource {
    /** How frames travel. */
    public enum Encoding { RAW, FILE }

    private final List<byte[]> files = new ArrayList<>();
    private final List<RawImage> raws = new ArrayList<>();
    private final Encoding encoding;
    private final boolean unique;

    private FrameSource(Encoding encoding, boolean unique) {
        this.encoding = encoding;
        this.unique = unique;
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
        // serial and nonce in the first 16 bytes (~5 pixels): a distinct frame for the cache, visually the same
        for (int b = 0; b < 8 && b < pixels.length; b++) {
            pixels[b] = (byte) (serial >>> (8 * b));
        }
        for (int b = 0; b < 8 && 8 + b < pixels.length; b++) {
            pixels[8 + b] = (byte) (nonce >>> (8 * b));
        }
        // the array is this frame's own and never written again: wrap it rather than copy it (the client shares
        // the server's two cores in a bench)
        request.setRaw(raw.toBuilder().setPixels(UnsafeByteOperations.unsafeWrap(pixels)));
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
