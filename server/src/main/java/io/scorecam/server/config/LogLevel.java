package io.scorecam.server.config;

/** --log-level: the least severe log line written (the server's own logs and its JSON event lines). */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** Whether a line of {@code level} is written at this threshold. */
    public boolean allows(LogLevel level) {
        return this != OFF && level.ordinal() >= ordinal();
    }

    /** slf4j-simple's spelling (its defaultLogLevel property). */
    public String slf4jName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
