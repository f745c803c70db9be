package io.scorecam.server.stream;

import com.google.protobuf.ByteString;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.engine.api.ModelDescription;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The synthetic frames of the load-time warm-up (in process and through the port): random noise, each frame
 * unique (no cache hits), at twice the model's input size (the resize path), asking for values, PNG and
 * overlay; sent as raw pixels, JPEG, PNG and raw pixels at the model's size in turn. Nothing depends on a particular model but its input size.
 * Thread-safe.
 */
final class WarmUpFrames {
    private final Random random = new Random(42);
    private final AtomicLong frameIds = new AtomicLong();

    /** A model/method pair's request, without its image. */
    static ExplainRequest.Builder shape(ModelDescription model, Method method) {
        return ExplainRequest.newBuilder().setModel(model.name()).setMethod(method)
                .setWantValues(true).setWantPng(true).setWantOverlay(true)
                .setRaw(RawImage.newBuilder().setWidth(2 * model.inputWidth()).setHeight(2 * model.inputHeight()));
    }

    /**
     * A new frame of the shape; {@code variant} picks raw (0), JPEG (1), PNG (2) at twice the model's size or raw at
     * its size (3), modulo 4. CPU work: call off the event loop.
     */
    ExplainRequest frame(ExplainRequest.Builder shape, int variant) {
        RawImage raw;
        ExplainRequest.Builder b;
        synchronized (shape) { // Builder.clone is not safe against a concurrent clone of the same builder
            raw = shape.getRaw();
            b = shape.clone();
        }
        int w = raw.getWidth();
        int h = raw.getHeight();
        byte[] rgb = new byte[w * h * 3];
        synchronized (random) {
            random.nextBytes(rgb);
        }
        b.setFrameId(frameIds.incrementAndGet());
        switch (Math.floorMod(variant, 4)) {
            case 0 -> b.setRaw(RawImage.newBuilder().setWidth(w).setHeight(h).setFormat(PixelFormat.RGB8)
                    .setPixels(ByteString.copyFrom(rgb)));
            // at the model's own size: a client that resizes before sending takes this path
            case 3 -> b.setRaw(RawImage.newBuilder().setWidth(w / 2).setHeight(h / 2).setFormat(PixelFormat.RGB8)
                    .setPixels(ByteString.copyFrom(rgb, 0, (w / 2) * (h / 2) * 3)));
            case 1 -> b.setEncoded(encode(rgb, w, h, "jpg"));
            default -> b.setEncoded(encode(rgb, w, h, "png"));
        }
        return b.build();
    }

    private static ByteString encode(byte[] rgb, int w, int h, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i += 3) {
                img.setRGB(x, y, (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff));
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return ByteString.copyFrom(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
