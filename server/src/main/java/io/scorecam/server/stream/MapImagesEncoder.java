package io.scorecam.server.stream;

import io.scorecam.server.image.MapImages;
import io.scorecam.server.image.RgbImage;

/** The product's map encoder: grayscale PNG and JET overlay JPEG from {@link MapImages}. */
public final class MapImagesEncoder implements MapEncoder {
    @Override
    public byte[] png(float[] values, int width, int height) {
        return MapImages.png(values, width, height);
    }

    @Override
    public byte[] overlayJpeg(RgbImage frame, float[] values, int width, int height) {
        return MapImages.overlayJpeg(frame, values, width, height);
    }
}
