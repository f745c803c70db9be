/**
 * What the engine offers its callers (the gRPC layer, the CLI, the load tester): {@link
 * io.scorecam.server.engine.api.Explainer} and its request, result and option records. Depends on nothing
 * else in the engine.
 */
package io.scorecam.server.engine.api;
