/**
 * Loading a model directory (target layer, feature session, batch size) and the loaded model that owns its ONNX
 * Runtime sessions.
 */
package io.scorecam.server.engine.model;
