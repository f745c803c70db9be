/**
 * The batch kinds the engine queues on the shared scheduler (feature pass, fused scoring pass, Recipro-CAM head
 * pass, faithfulness probes) and the per-frame data they consume and produce.
 */
package io.scorecam.server.engine.pass;
