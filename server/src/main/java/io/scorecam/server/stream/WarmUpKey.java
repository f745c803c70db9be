package io.scorecam.server.stream;

import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Marks the server's own warm-up calls ({@link TransportWarmUp}): a random secret per server, sent in one
 * header and never logged. {@link CallGate} lets such a call in while the server is still starting, and
 * {@link ExplainCalls} runs it apart from client calls (its frames count in no client metric or log, it is
 * no open stream); no client can pass as one without the secret.
 */
final class WarmUpKey {
    static final String HEADER = "x-scorecam-warm-up";

    private final String value;

    WarmUpKey() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        this.value = HexFormat.of().formatHex(bytes);
    }

    String value() {
        return value;
    }

    boolean matches(MultiMap headers) {
        String sent = headers.get(HEADER);
        // constant-time compare, as for the bearer token
        return sent != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII));
    }
}
