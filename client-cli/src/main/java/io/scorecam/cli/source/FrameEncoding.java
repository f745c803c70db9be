package io.scorecam.cli.source;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.scorecam.api.v1.PixelFormat;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.image.MapImages;
import io.scorecam.server.image.RgbImage;

/**
 * How a decoded video frame goes on the wire. JPEG re-encodes each frame (quality 0.9); RAW sends the decoder's
 * RGB8 pixels as {@link RawImage} (no encode on the client, no decode on the server). JPEG is the default: RAW
 * saves 4-9 ms of codec CPU per frame but moves 30x the bytes (0.9 MB at 640x480, 2.7 MB at 1280x720) through
 * gRPC and HTTP/2, and measured slower end to end at both sizes (loadtest/RESULTS.md, "Video sources").
 */
public enum FrameEncoding {
    RAW, JPEG;

    static final float JPEG_QUALITY = 0.9f;

    /** The frame to send for decoded pixels; {@code sourceIndex} names it, {@code index} orders it. */
    public Frame frame(int index, long sourceIndex, RgbImage pixels, double ptsSeconds) {
        String stem = String.format("frame_%06d", sourceIndex);
        if (this == RAW) {
            // the pixel array is never written again once decoded: no copy needed
            RawImage raw = RawImage.newBuilder().setWidth(pixels.width()).setHeight(pixels.height())
                    .setFormat(PixelFormat.RGB8).setPixels(UnsafeByteOperations.unsafeWrap(pixels.rgb())).build();
            return new Frame(index, stem + ".rgb", stem, null, null, raw, pixels, ptsSeconds);
        }
        byte[] jpeg = MapImages.jpeg(pixels, JPEG_QUALITY);
        return new Frame(index, stem + ".jpg", stem, jpeg, ByteString.copyFrom(jpeg), null, pixels, ptsSeconds);
    }
}
