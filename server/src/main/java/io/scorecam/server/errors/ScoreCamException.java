package io.scorecam.server.errors;

/**
 * A problem with one frame, one request or one model, with the gRPC code that describes it.
 * The message must name the problem (which field, which file, which limit) so a user can fix it.
 */
public class ScoreCamException extends RuntimeException {
    private final ErrorCode code;

    public ScoreCamException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ScoreCamException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static ScoreCamException invalid(String message) {
        return new ScoreCamException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
