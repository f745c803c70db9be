package io.scorecam.server.engine.pipeline;

import io.scorecam.server.engine.cache.FrameHash;
import io.scorecam.server.engine.pass.FrameFeatures;

/** A frame after its feature pass: its content hash (the cache key) and what the pass produced. */
public record PreparedFrame(FrameHash hash, FrameFeatures features) {
}
