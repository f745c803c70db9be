package io.scorecam.server.metrics;

/**
 * The labels of a frame's series: the model it was sent to (the default model's name when the request
 * named none, {@link #UNKNOWN} for a name the server does not serve, so a client cannot grow the label
 * set), and the method and convention it was explained with (after model defaults).
 */
public record FrameLabels(String model, String method, String convention) {
    /** Label value for a model name or enum value the server does not know. */
    public static final String UNKNOWN = "unknown";
}
