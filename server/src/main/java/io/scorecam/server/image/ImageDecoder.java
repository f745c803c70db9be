package io.scorecam.server.image;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Turns client bytes into an {@link RgbImage}: JPEG or PNG (any bit depth, gray, palette, alpha dropped),
 * or raw pixels. The size limit is checked from the header, before any pixel memory is allocated.
 * Thread-safe: every call uses its own ImageReader.
 */
public final class ImageDecoder {
    /** Layout of raw pixel frames. */
    public enum RawFormat {
        RGB8(3), BGR8(3), GRAY8(1);

        private final int bytesPerPixel;

        RawFormat(int bytesPerPixel) {
            this.bytesPerPixel = bytesPerPixel;
        }

        public int bytesPerPixel() {
            return bytesPerPixel;
        }
    }

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Width and height from a JPEG or PNG header, without decoding the pixels (to budget memory before the
     * decode); the same errors as {@link #decode} for bad data or too many pixels.
     */
    public int[] dimensions(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            throw ScoreCamException.invalid("image is empty (0 bytes): send JPEG or PNG");
        }
        String format = sniff(encoded);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new ScoreCamException(ErrorCode.INTERNAL, "no " + format + " decoder in this JVM");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            int width = header(reader, format, true);
            int height = header(reader, format, false);
            checkSize(width, height, format + " image");
            return new int[]{width, height};
        } catch (IOException e) {
            throw ScoreCamException.invalid("corrupt " + format + " header: " + describe(e));
        } finally {
            reader.dispose();
        }
    }

    /** Decodes a JPEG or PNG; INVALID_ARGUMENT for bad data, RESOURCE_EXHAUSTED above the pixel limit. */
    public RgbImage decode(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            throw ScoreCamException.invalid("image is empty (0 bytes): send JPEG or PNG");
        }
        String format = sniff(encoded);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new ScoreCamException(ErrorCode.INTERNAL, "no " + format + " decoder in this JVM");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width = header(reader, format, true);
            int height = header(reader, format, false);
            checkSize(width, height, format + " image");
            boolean colourJpeg = "jpeg".equals(format) && isThreeByteBgr(reader);
            BufferedImage image = colourJpeg ? reader.read(0, rgbOrder(reader)) : reader.read(0);
            // libjpeg reports cut-off data only as a warning and pads the image with grey: refuse it.
            // A file missing just its EOI marker has all its pixels and is accepted.
            for (String w : warnings) {
                if (w.toLowerCase(Locale.ROOT).contains("premature end")) {
                    throw ScoreCamException.invalid("truncated JPEG (" + encoded.length + " bytes): " + w);
                }
            }
            RgbImage direct = colourJpeg ? wrapRgb(image) : null;
            return direct != null ? direct : RgbConverter.toRgb(image);
        } catch (ScoreCamException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // corrupt data makes the JDK readers throw anything from IIOException to IndexOutOfBounds
            throw ScoreCamException.invalid("corrupt, truncated or unsupported " + format + " ("
                    + encoded.length + " bytes): " + describe(e));
        } finally {
            reader.dispose();
        }
    }

    /** A colour JPEG decodes into TYPE_3BYTE_BGR by default (the common case: camera frames). */
    private static boolean isThreeByteBgr(ImageReader reader) throws IOException {
        Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
        return types.hasNext() && types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR;
    }

    /**
     * Reads the bands reversed into the BGR raster, so its bytes come out in R, G, B order: the raster's array
     * is then the frame itself, without a second full-frame copy (25-30% of a 1280x720 decode).
     */
    private static javax.imageio.ImageReadParam rgbOrder(ImageReader reader) {
        javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceBands(new int[] {2, 1, 0});
        param.setDestinationBands(new int[] {0, 1, 2});
        return param;
    }

    /** The raster's array as an RgbImage when it is exactly w*h*3 bytes, R, G, B, no padding; else null. */
    private static RgbImage wrapRgb(BufferedImage image) {
        java.awt.image.Raster raster = image.getRaster();
        if (!(raster.getDataBuffer() instanceof java.awt.image.DataBufferByte buffer)
                || !(raster.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm)
                || buffer.getNumBanks() != 1 || buffer.getOffset() != 0 || raster.getParent() != null) {
            return null;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] offsets = sm.getBandOffsets();
        byte[] data = buffer.getData();
        boolean packed = sm.getPixelStride() == 3 && sm.getScanlineStride() == w * 3
                && offsets.length == 3 && offsets[0] == 2 && offsets[1] == 1 && offsets[2] == 0
                && data.length == (long) w * h * 3;
        return packed ? new RgbImage(w, h, data) : null;
    }

    /** Raw pixels as RGB; the buffer must hold exactly width*height pixels of the format. */
    public RgbImage fromRaw(int width, int height, RawFormat format, byte[] pixels) {
        return fromRaw(width, height, format, pixels == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(pixels));
    }

    /**
     * Raw pixels as RGB, read from {@code pixels}' position to its limit: the received message's bytes as they
     * are (a read-only view of them), so RGB8 costs one copy, into the image.
     */
    public RgbImage fromRaw(int width, int height, RawFormat format, ByteBuffer pixels) {
        if (width <= 0 || height <= 0) {
            throw ScoreCamException.invalid("raw image width and height must be > 0, got " + width + "x" + height);
        }
        checkSize(width, height, "raw image");
        long needed = (long) width * height * format.bytesPerPixel();
        int got = pixels.remaining();
        if (got != needed) {
            throw ScoreCamException.invalid("raw image " + width + "x" + height + " " + format + " needs "
                    + needed + " bytes, got " + got);
        }
        int n = width * height;
        int at = pixels.position();
        byte[] rgb = new byte[n * 3];
        switch (format) {
            case RGB8 -> pixels.duplicate().get(rgb);
            case BGR8 -> {
                for (int i = 0; i < rgb.length; i += 3) {
                    rgb[i] = pixels.get(at + i + 2);
                    rgb[i + 1] = pixels.get(at + i + 1);
                    rgb[i + 2] = pixels.get(at + i);
                }
            }
            case GRAY8 -> {
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    byte g = pixels.get(at + i);
                    rgb[o] = g;
                    rgb[o + 1] = g;
                    rgb[o + 2] = g;
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private void checkSize(int width, int height, String what) {
        if (width <= 0 || height <= 0) {
            throw ScoreCamException.invalid(what + " declares " + width + "x" + height + " pixels: nothing to explain");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ScoreCamException(ErrorCode.RESOURCE_EXHAUSTED, what + " is " + width + "x" + height
                    + " = " + pixels + " pixels, more than the limit of " + maxPixels
                    + " (--max-pixels): send a smaller frame");
        }
    }

    private static int header(ImageReader reader, String format, boolean width) {
        try {
            return width ? reader.getWidth(0) : reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw ScoreCamException.invalid("corrupt " + format + " header: " + describe(e));
        }
    }

    private static String sniff(byte[] b) {
        if (startsWith(b, PNG_MAGIC)) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            first.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
        }
        throw ScoreCamException.invalid("unsupported image format (first bytes " + first + "): send JPEG or PNG");
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(text(e));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause() == c ? null : c.getCause()) {
            s.append(": ").append(text(c));
        }
        return s.toString();
    }

    private static String text(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
