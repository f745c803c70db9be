package io.scorecam.cli;

import io.scorecam.cli.demo.EmbeddedServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --token reaches a server that requires one; without it the refusal is one clear line. */
class AuthTokenTest {
    @Test
    void tokenIsSentAsBearerHeader() {
        try (EmbeddedServer server = EmbeddedServer.start(TestModels.repository(), "--warmup-ms=0", "--auth-token", "s3cret-token")) {
            Cli refused = Cli.run("models", "--server", server.address());
            assertEquals(1, refused.exitCode(), refused::toString);
            assertTrue(refused.err().contains("pass its token with --token"), refused::toString);
            assertEquals(1, refused.err().strip().lines().count(), refused::toString);

            Cli wrong = Cli.run("models", "--server", server.address(), "--token", "guess");
            assertEquals(1, wrong.exitCode(), wrong::toString);

            Cli ok = Cli.run("models", "--server", server.address(), "--token", "s3cret-token");
            assertEquals(0, ok.exitCode(), ok::toString);
            assertTrue(ok.out().contains("(default)"), ok::toString);
        }
    }
}
