/**
 * Faithfulness metrics (Average Drop, Increase in Confidence, RISE deletion/insertion): the probe images and
 * their assembly into curves; the images are scored through the shared batch scheduler.
 */
package io.scorecam.server.engine.faithfulness;
