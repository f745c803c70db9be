// Camera-like frames for `loadtest bench --frames DIR --live-fps 30`: a slow pan over one photo, 120 distinct
// JPEGs of WIDTHxHEIGHT, so the server's frame cache sees no repeats within 4 s of a 30 fps source.
// Usage (JDK 17, no build needed):
//   PAN_IMAGE=photo.png PAN_OUT=frames-640 PAN_SIZE=640x480 jshell -R-Djava.awt.headless=true tools/camera-pan/pan.jsh
import javax.imageio.*;
import java.awt.*;
import java.awt.image.*;
import java.io.*;

String[] size = System.getenv().getOrDefault("PAN_SIZE", "640x480").split("x");
int w = Integer.parseInt(size[0]), h = Integer.parseInt(size[1]);
BufferedImage src = ImageIO.read(new File(System.getenv("PAN_IMAGE")));
File out = new File(System.getenv("PAN_OUT"));
out.mkdirs();
// the photo scaled to 1.6 x the frame, so the frame can move across it
int bigW = (int) (w * 1.6), bigH = (int) (h * 1.6);
BufferedImage big = new BufferedImage(bigW, bigH, BufferedImage.TYPE_INT_RGB);
Graphics2D g = big.createGraphics();
g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
g.drawImage(src, 0, 0, bigW, bigH, null);
g.dispose();
for (int i = 0; i < 120; i++) {
    double t = i / 119.0;
    int x = (int) ((bigW - w) * t), y = (int) ((bigH - h) * (0.5 + 0.5 * Math.sin(2 * Math.PI * t)));
    BufferedImage f = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D gf = f.createGraphics();
    gf.drawImage(big.getSubimage(x, y, w, h), 0, 0, null);
    gf.dispose();
    ImageIO.write(f, "jpg", new File(out, String.format("frame_%03d.jpg", i)));
}
/exit
