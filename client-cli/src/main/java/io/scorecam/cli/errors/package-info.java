/**
 * The CLI's user-facing failure ({@link io.scorecam.cli.errors.CliException}): one line and an exit code. At the
 * bottom of the CLI's packages, so sources, outputs, replay and the commands all throw it without a cycle.
 */
package io.scorecam.cli.errors;
