package io.scorecam.cli.output;

import io.scorecam.server.image.Colormap;
import io.scorecam.server.image.RgbImage;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** --legend: a JET colour bar from 0 (bottom) to 1 (top), with its two values written, to the right of an overlay. */
public final class Legend {
    private Legend() {
    }

    /** {@code image} widened by a white strip holding the bar. */
    public static RgbImage beside(RgbImage image) {
        int h = image.height();
        int strip = Math.max(28, Math.min(80, h / 5));
        int w = image.width() + strip;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int margin = Math.max(6, h / 20);
        int barX = image.width() + strip / 6;
        int barW = Math.max(6, strip / 3);
        int barTop = margin;
        int barBottom = h - margin;
        for (int y = barTop; y < barBottom; y++) {
            int v = (int) Math.round(255.0 * (barBottom - 1 - y) / Math.max(1, barBottom - barTop - 1));
            int[] rgb = Colormap.jet(v);
            g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
            g.fillRect(barX, y, barW, 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(barX, barTop, barW - 1, barBottom - barTop - 1);
        int fontSize = Math.max(9, Math.min(16, h / 16));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int textX = barX + barW + 2;
        g.drawString("1", textX, barTop + fontSize);
        g.drawString("0", textX, barBottom);
        g.dispose();
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[w * h * 3];
        byte[] src = image.rgb();
        int srcRow = image.width() * 3;
        for (int y = 0; y < h; y++) {
            int o = y * w * 3;
            System.arraycopy(src, y * srcRow, rgb, o, srcRow);
            for (int x = image.width(); x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
