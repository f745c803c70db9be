/**
 * One frame through the engine: preprocess, the cached feature pass, the cached rows a method needs, the
 * faithfulness metrics; what each request cost.
 */
package io.scorecam.server.engine.pipeline;
