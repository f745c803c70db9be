package io.scorecam.server.errors;

/**
 * Client-supplied text quoted back in an error message, cut short: a 9000-character model name must not
 * push grpc-message past the client's header limit (which turns a clear NOT_FOUND into INTERNAL).
 */
public final class Echo {
    /** Longest client text quoted back. */
    public static final int MAX_ECHO = 128;
    /** Longest status message sent (grpc-message travels in a header; clients allow ~8 KiB of headers). */
    public static final int MAX_MESSAGE = 2048;

    private Echo() {
    }

    /** {@code text}, or its first {@link #MAX_ECHO} characters and how long it was. */
    public static String of(String text) {
        if (text == null || text.length() <= MAX_ECHO) {
            return text;
        }
        return text.substring(0, MAX_ECHO) + "... (" + text.length() + " characters)";
    }

    /** A whole message capped at {@link #MAX_MESSAGE} characters: the last line of defence. */
    public static String message(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE) + "... (cut at " + MAX_MESSAGE + " of " + message.length()
                + " characters)";
    }
}
