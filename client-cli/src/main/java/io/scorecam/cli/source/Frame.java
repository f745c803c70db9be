package io.scorecam.cli.source;

import com.google.protobuf.ByteString;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.image.RgbImage;

/**
 * One frame to send: an image file of a folder (sent as its own bytes) or a decoded video frame (sent as
 * {@link RawImage} or re-encoded JPEG, see {@code source.FrameEncoding}).
 *
 * @param index      0-based position in its source (after --start/--every)
 * @param fileName   the file name (folders) or the overlay name stem plus ".jpg" (video)
 * @param stem       base of the output names, e.g. {@code frame_000012}
 * @param bytes      the file's bytes (folders), or null for decoded frames
 * @param encoded    what goes in {@code ExplainRequest.encoded}, or null when {@code raw} is sent
 * @param raw        what goes in {@code ExplainRequest.raw}, or null
 * @param pixels     the decoded pixels (overlay background, --out-video), or null (decoded from bytes then)
 * @param ptsSeconds presentation time in the source (0 for folders)
 */
public record Frame(int index, String fileName, String stem, byte[] bytes, ByteString encoded, RawImage raw,
                    RgbImage pixels, double ptsSeconds) {
    /** A folder's image file, sent as-is. */
    public Frame(int index, String fileName, String stem, byte[] bytes, ByteString encoded) {
        this(index, fileName, stem, bytes, encoded, null, null, 0);
    }

    /** Puts this frame's image into a request. */
    public ExplainRequest.Builder into(ExplainRequest.Builder b) {
        return raw != null ? b.setRaw(raw) : b.setEncoded(encoded);
    }
}
