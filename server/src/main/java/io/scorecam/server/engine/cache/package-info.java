/**
 * Per-frame work shared between requests: the byte-bounded frame cache, the content hash that keys it and the
 * score tables that let concurrent requests claim and wait for each other's rows.
 */
package io.scorecam.server.engine.cache;
