/**
 * The Score-CAM engine, assembled: {@link io.scorecam.server.engine.ScoreCamEngine} wires the loaded models,
 * the CAM methods, the shared batch scheduler, the frame cache and the pipeline, and owns their lifecycle.
 * Sub-packages by role (dependencies point down this list, never back up):
 * {@code pipeline} (one frame through the cached passes) -> {@code model} (loaded models and their sessions) ->
 * {@code cache} (per-frame work) -> {@code method} (CAM methods) -> {@code pass} (batch kinds) ->
 * {@code faithfulness} (metrics) -> {@code api} (what callers see). See docs/architecture.md.
 */
package io.scorecam.server.engine;
