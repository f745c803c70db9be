/**
 * OpenTelemetry traces (off unless --otlp-endpoint): one {@code scorecam.frame} span per frame, continuing the
 * client's W3C trace context from the call's gRPC metadata, with a child span per step (queue, decode,
 * preprocess, feature_pass, scoring batches, combine, encode). The engine reports steps through
 * {@link io.scorecam.server.engine.api.FrameTrace} and knows nothing of OpenTelemetry; the stream layer uses
 * {@link io.scorecam.server.tracing.FrameTracer}. See docs/tracing.md.
 */
package io.scorecam.server.tracing;
