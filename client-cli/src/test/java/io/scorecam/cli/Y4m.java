package io.scorecam.cli;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A YUV4MPEG2 (4:2:0, full range) file of pictures: what Chromium's fake camera plays in a loop. */
final class Y4m {
    private Y4m() {
    }

    static Path write(Path file, List<BufferedImage> pictures, int width, int height, int fps) throws IOException {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file))) {
            o.write(("YUV4MPEG2 W" + width + " H" + height + " F" + fps + ":1 Ip A1:1 C420jpeg\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] y = new byte[width * height];
            byte[] u = new byte[(width / 2) * (height / 2)];
            byte[] v = new byte[u.length];
            for (BufferedImage p : pictures) {
                BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.drawImage(p, 0, 0, width, height, null);
                g.dispose();
                for (int row = 0; row < height; row++) {
                    for (int col = 0; col < width; col++) {
                        int rgb = img.getRGB(col, row);
                        int r = (rgb >> 16) & 0xFF;
                        int gr = (rgb >> 8) & 0xFF;
                        int b = rgb & 0xFF;
                        y[row * width + col] = (byte) clamp(0.299 * r + 0.587 * gr + 0.114 * b);
                        if (row % 2 == 0 && col % 2 == 0) {
                            int i = (row / 2) * (width / 2) + col / 2;
                            u[i] = (byte) clamp(128 - 0.168736 * r - 0.331264 * gr + 0.5 * b);
                            v[i] = (byte) clamp(128 + 0.5 * r - 0.418688 * gr - 0.081312 * b);
                        }
                    }
                }
                o.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                o.write(y);
                o.write(u);
                o.write(v);
            }
        }
        return file;
    }

    private static int clamp(double x) {
        return (int) Math.max(0, Math.min(255, Math.round(x)));
    }
}
