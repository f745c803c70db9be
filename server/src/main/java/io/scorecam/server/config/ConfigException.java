package io.scorecam.server.config;

/** A bad flag, environment variable or value; the message is one line meant for the operator. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
