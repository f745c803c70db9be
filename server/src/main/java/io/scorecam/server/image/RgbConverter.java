package io.scorecam.server.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * Converts whatever ImageIO decoded into interleaved RGB8. Gray and colour samples are taken as stored
 * (no colour management, like OpenCV and PIL), which also avoids the JDK's gamma shift of gray images
 * through getRGB. Alpha is dropped; 16-bit samples are rounded to 8 bits.
 */
final class RgbConverter {
    private RgbConverter() {
    }

    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            palette(raster, icm, w, h, rgb);
        } else if (cm instanceof ComponentColorModel && isGrayOrRgb(cm)) {
            if (raster.getDataBuffer() instanceof DataBufferByte
                    && raster.getSampleModel() instanceof PixelInterleavedSampleModel) {
                interleavedBytes(raster, cm.getNumColorComponents(), w, h, rgb);
            } else {
                components(raster, cm, w, h, rgb);
            }
        } else {
            // packed int or exotic colour spaces (CMYK, YCCK): let Java2D convert, one row at a time
            int[] row = new int[w];
            for (int y = 0, o = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++, o += 3) {
                    int p = row[x];
                    rgb[o] = (byte) (p >> 16);
                    rgb[o + 1] = (byte) (p >> 8);
                    rgb[o + 2] = (byte) p;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static boolean isGrayOrRgb(ColorModel cm) {
        int type = cm.getColorSpace().getType();
        return (type == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1)
                || (type == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3);
    }

    /** TYPE_3BYTE_BGR, TYPE_4BYTE_ABGR, TYPE_BYTE_GRAY and PNG's 8-bit RGB/RGBA/GA: direct array access. */
    private static void interleavedBytes(Raster raster, int colors, int w, int h, byte[] rgb) {
        PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
        byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
        int pixelStride = sm.getPixelStride();
        int lineStride = sm.getScanlineStride();
        int[] offsets = sm.getBandOffsets();
        // a sub-raster's origin is translated; its data still starts at the parent's
        int base = raster.getDataBuffer().getOffset()
                + (raster.getMinY() - raster.getSampleModelTranslateY()) * lineStride
                + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
        int r = offsets[0];
        int g = colors == 3 ? offsets[1] : offsets[0];
        int b = colors == 3 ? offsets[2] : offsets[0];
        for (int y = 0, o = 0; y < h; y++) {
            int p = base + y * lineStride;
            for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
                rgb[o] = data[p + r];
                rgb[o + 1] = data[p + g];
                rgb[o + 2] = data[p + b];
            }
        }
    }

    /** Any other component layout (16-bit PNG, banded rasters): samples row by row, scaled to 8 bits. */
    private static void components(Raster raster, ColorModel cm, int w, int h, byte[] rgb) {
        int bands = raster.getNumBands();
        int colors = cm.getNumColorComponents();
        int max = (1 << cm.getComponentSize(0)) - 1;
        int[] row = new int[w * bands];
        for (int y = 0, o = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++, o += 3) {
                int p = x * bands;
                for (int c = 0; c < 3; c++) {
                    int v = row[p + (colors == 3 ? c : 0)];
                    rgb[o + c] = (byte) (max == 255 ? v : (v * 255L + max / 2) / max);
                }
            }
        }
    }

    /** Palette images (also 1/2/4-bit gray): look the indices up, row by row. */
    private static void palette(Raster raster, IndexColorModel icm, int w, int h, byte[] rgb) {
        int size = icm.getMapSize();
        byte[] rs = new byte[size];
        byte[] gs = new byte[size];
        byte[] bs = new byte[size];
        icm.getReds(rs);
        icm.getGreens(gs);
        icm.getBlues(bs);
        int[] row = new int[w];
        for (int y = 0, o = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++, o += 3) {
                int i = Math.min(row[x], size - 1);
                rgb[o] = rs[i];
                rgb[o + 1] = gs[i];
                rgb[o + 2] = bs[i];
            }
        }
    }
}
