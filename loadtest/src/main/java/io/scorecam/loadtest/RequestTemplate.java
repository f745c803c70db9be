package io.scorecam.loadtest;

import io.scorecam.api.v1.ExplainRequest;

import java.security.SecureRandom;

/**
 * The fixed part of every request of a run plus the frames; builds the request for one frame. Each template
 * carries a random nonce that goes into unique frames with the frame id, so two runs (or two phases of the
 * benchmark) never send the same pixels and never find each other's frames in the server's cache.
 */
public final class RequestTemplate {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ExplainRequest prototype;
    private final FrameSource frames;
    private final long nonce;

    /** {@code prototype}: model, method, classes, outputs, policy; its image is replaced per frame. */
    public RequestTemplate(ExplainRequest prototype, FrameSource frames) {
        this(prototype, frames, RANDOM.nextLong());
    }

    private RequestTemplate(ExplainRequest prototype, FrameSource frames, long nonce) {
        this.prototype = prototype;
        this.frames = frames;
        this.nonce = nonce;
    }

    /** The request of frame number {@code frameNo} of a stream, with {@code frameId} (unique across streams). */
    public ExplainRequest request(long frameId, long frameNo) {
        ExplainRequest.Builder b = prototype.toBuilder().setFrameId(frameId);
        frames.fill(b, frameNo, frameId, nonce);
        return b.build();
    }

    public ExplainRequest prototype() {
        return prototype;
    }

    /** Other request fields, the same frames and nonce. */
    public RequestTemplate with(ExplainRequest newPrototype) {
        return new RequestTemplate(newPrototype, frames, nonce);
    }

    /** The same requests with a new nonce: unique frames distinct from every earlier template's. */
    public RequestTemplate fresh() {
        return new RequestTemplate(prototype, frames, RANDOM.nextLong());
    }
}
