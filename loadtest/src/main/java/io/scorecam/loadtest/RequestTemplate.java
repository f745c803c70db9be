package io.scorecam.loadtest;

import io.scorecam.api.v1.ExplainRequest;

/** The fixed part of every request of a run plus the frames; builds the request for one frame. */
public final class RequestTemplate {
    private final ExplainRequest prototype;
    private final FrameSource frames;
    private final long salt;

    /** {@code prototype}: model, method, classes, outputs, policy; its image is replaced per frame. */
    public RequestTemplate(ExplainRequest prototype, FrameSource frames) {
        this(prototype, frames, 0);
    }

    private RequestTemplate(ExplainRequest prototype, FrameSource frames, long salt) {
        this.prototype = prototype;
        this.frames = frames;
        this.salt = salt;
    }

    /** The request of frame number {@code frameNo} of a stream, with {@code frameId} (unique across streams). */
    public ExplainRequest request(long frameId, long frameNo) {
        ExplainRequest.Builder b = prototype.toBuilder().setFrameId(frameId);
        frames.fill(b, frameNo, frameId ^ (salt << 52));
        return b.build();
    }

    public ExplainRequest prototype() {
        return prototype;
    }

    public RequestTemplate with(ExplainRequest newPrototype) {
        return new RequestTemplate(newPrototype, frames, salt);
    }

    /**
     * The same requests with frames distinct from those of every other salt (unique frames only; frame ids
     * stay below 2^52), so runs one after another never hit frames an earlier run left in the server's cache.
     */
    public RequestTemplate withSalt(long newSalt) {
        if (newSalt < 0 || newSalt >= 4096) {
            throw new IllegalArgumentException("salt must be in [0, 4096), got " + newSalt);
        }
        return new RequestTemplate(prototype, frames, newSalt);
    }
}
