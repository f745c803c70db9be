package io.scorecam.server.errors;

/** gRPC status code names a frame can fail with; the server sends the name in ExplainResponse.error_code. */
public enum ErrorCode {
    INVALID_ARGUMENT,
    NOT_FOUND,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    CANCELLED,
    DEADLINE_EXCEEDED,
    UNAVAILABLE,
    INTERNAL
}
