package io.scorecam.server.stream;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The calls in progress, so a shutdown can drain them. */
final class CallRegistry {
    private final Set<ActiveCall> calls = ConcurrentHashMap.newKeySet();

    void add(ActiveCall call) {
        calls.add(call);
        call.closed().onComplete(v -> calls.remove(call));
    }

    /** Asks every call to drain; the future completes when all have ended. */
    Future<Void> drainAll() {
        List<Future<Void>> closed = new ArrayList<>();
        for (ActiveCall c : calls) {
            c.drain();
            closed.add(c.closed());
        }
        return Future.join(closed).mapEmpty();
    }

    void forceCloseAll() {
        calls.forEach(ActiveCall::forceClose);
    }

    int size() {
        return calls.size();
    }
}
