package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.Status;

/** Turns gRPC failures into sentences a user can act on. */
final class GrpcErrors {
    private GrpcErrors() {
    }

    /** One line for a failed call; {@code server} (may be null) names the target in connection errors. */
    static String describe(Status status, String server) {
        String where = server == null ? "the server" : server;
        String detail = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        Throwable cause = status.getCause();
        if (cause != null && cause.getMessage() != null && !detail.contains(cause.getMessage())) {
            // grpc-java says only "io exception"; the cause says "Connection refused: /127.0.0.1:1"
            detail = detail + ": " + cause.getMessage();
        }
        detail = detail.lines().findFirst().orElse("").strip(); // TLS causes span several lines
        return switch (status.getCode()) {
            case UNAVAILABLE -> "cannot reach " + where + " (" + detail + "): is the server running? check --server"
                    + " and --tls";
            case UNAUTHENTICATED -> "the server refused the call (" + detail + "): pass its token with --token";
            case DEADLINE_EXCEEDED -> "no answer from " + where + " in time (" + detail + ")";
            default -> "server error " + status.getCode() + ": " + detail;
        };
    }

    /** A {@link CliException} for a call that failed as a whole. */
    static CliException failure(Throwable t, String server) {
        return new CliException(describe(Status.fromThrowable(t), server));
    }
}
