package io.scorecam.cli.errors;

/** A problem the user can fix: printed as one line, never with a stack trace, then exit with {@link #exitCode()}. */
public final class CliException extends RuntimeException {
    /** The command ran but could not do its job (server unreachable, nothing to replay, ...). */
    public static final int FAILED = 1;
    /** The command line itself is wrong. */
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
