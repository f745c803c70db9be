package io.scorecam.server.image;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Encodes saliency maps for clients: an 8-bit grayscale PNG, or a JET heat map blended over the frame
 * exactly as pytorch-grad-cam's show_cam_on_image(img, mask, use_rgb=True, image_weight=0.5) does.
 * Values are expected in [0, 1]; anything outside (or NaN) is clamped.
 */
public final class MapImages {
    /** JPEG quality of overlays: visually clean at a fraction of PNG's size. */
    public static final float OVERLAY_JPEG_QUALITY = 0.9f;
    // the map PNGs are tiny and made per frame: favour speed over the last few bytes
    private static final float PNG_COMPRESSION_QUALITY = 0.5f;

    private MapImages() {
    }

    /** 8-bit grayscale PNG of a w x h map: pixel = round(clamp(v, 0, 1) * 255). */
    public static byte[] png(float[] values, int w, int h) {
        checkMap(values, w, h);
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) Math.round(clamp(values[i]) * 255f);
        }
        return GrayPng.encode(data, w, h);
    }

    /**
     * The map (any resolution; resized half-pixel bilinear to the frame like cv2.resize) as a JET heat map
     * blended 50/50 with the frame, normalised by the brightest value, as pytorch-grad-cam draws it.
     */
    public static RgbImage overlayRgb(RgbImage frame, float[] values, int w, int h) {
        checkMap(values, w, h);
        int fw = frame.width();
        int fh = frame.height();
        float[] mask = w == fw && h == fh ? values : Bilinear.resize(values, w, h, fw, fh, false);
        int n = fw * fh;
        byte[] index = new byte[n];
        for (int i = 0; i < n; i++) {
            // np.uint8(255 * mask) truncates
            index[i] = (byte) (int) (255f * clamp(mask[i]));
        }
        byte[] heat = Colormap.jet(index);
        byte[] rgb = frame.rgb();
        float[] cam = new float[n * 3];
        float max = 0f;
        for (int i = 0; i < cam.length; i++) {
            float v = 0.5f * ((heat[i] & 0xFF) / 255f) + 0.5f * ((rgb[i] & 0xFF) / 255f);
            cam[i] = v;
            max = Math.max(max, v);
        }
        byte[] out = new byte[cam.length];
        for (int i = 0; i < cam.length; i++) {
            // JET never yields black, so max > 0
            out[i] = (byte) (int) (255f * (cam[i] / max));
        }
        return new RgbImage(fw, fh, out);
    }

    /** {@link #overlayRgb} encoded as a JPEG of quality {@value #OVERLAY_JPEG_QUALITY}. */
    public static byte[] overlayJpeg(RgbImage frame, float[] values, int w, int h) {
        return jpeg(overlayRgb(frame, values, w, h), OVERLAY_JPEG_QUALITY);
    }

    /** Any RGB image as a baseline JPEG of the given quality (0..1). */
    public static byte[] jpeg(RgbImage image, float quality) {
        return write(bgr(image), "jpeg", quality);
    }

    /** Any RGB image as a lossless PNG. */
    public static byte[] png(RgbImage image) {
        return write(bgr(image), "png", PNG_COMPRESSION_QUALITY);
    }

    private static BufferedImage bgr(RgbImage image) {
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            data[i] = rgb[i + 2];
            data[i + 1] = rgb[i + 1];
            data[i + 2] = rgb[i];
        }
        return img;
    }

    private static float clamp(float v) {
        // NaN fails both comparisons and ends up 0
        return v >= 1f ? 1f : v > 0f ? v : 0f;
    }

    private static void checkMap(float[] values, int w, int h) {
        if (w <= 0 || h <= 0 || values.length != (long) w * h) {
            throw new IllegalArgumentException("map of " + values.length + " values is not " + w + "x" + h);
        }
    }

    private static byte[] write(BufferedImage img, String format, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new ScoreCamException(ErrorCode.INTERNAL, "cannot encode " + format + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
