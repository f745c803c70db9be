package io.scorecam.server.engine;

/** A frame after its feature pass: its content hash (the cache key) and what the pass produced. */
record PreparedFrame(FrameHash hash, FrameFeatures features) {
}
