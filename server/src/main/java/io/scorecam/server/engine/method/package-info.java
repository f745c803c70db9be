/**
 * The CAM methods: each says which passes it needs and turns their scores into a map at the target layer's
 * resolution; {@link io.scorecam.server.engine.method.MapFinisher} upsamples and scales for all of them.
 */
package io.scorecam.server.engine.method;
