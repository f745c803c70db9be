/**
 * One queue of work items from every frame of every stream, drained into batches by worker threads; a
 * {@link io.scorecam.server.batching.CancellationToken} withdraws a frame's queued work. Knows nothing of the engine.
 */
package io.scorecam.server.batching;
