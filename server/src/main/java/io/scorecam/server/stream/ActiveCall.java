package io.scorecam.server.stream;

import io.vertx.core.Future;

/** A call the server must finish before it stops (graceful shutdown). Methods are safe from any thread. */
interface ActiveCall {

    /** Stop taking new frames; answer the ones already taken, then end the call. */
    void drain();

    /** The grace period is over: cancel what is left and end the call with UNAVAILABLE. */
    void forceClose();

    /** Completes when the call has ended, however it ended. */
    Future<Void> closed();
}
