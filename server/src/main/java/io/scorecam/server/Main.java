package io.scorecam.server;

import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.ServerConfig;
import io.scorecam.server.errors.ScoreCamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code java -jar scorecam-server.jar [flags]}: parse flags, open the ports (health NOT_SERVING), load and
 * tune the models, serve until SIGTERM. A model that cannot load ends the process non-zero with one line.
 */
public final class Main {
    /** slf4j-simple reads its level once, when the first logger is made: so no logger before the flags. */
    private static final String SLF4J_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (ConfigException | ScoreCamException e) {
            System.err.println("scorecam-server: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("scorecam-server: could not start: " + e);
            System.exit(1);
        }
    }

    private static void run(String[] args) {
        ServerConfig config = ServerConfig.parse(args);
        System.setProperty(SLF4J_LEVEL, config.logLevel().slf4jName());
        Logger log = LoggerFactory.getLogger(Main.class);
        if (config.helpRequested()) {
            System.out.print(ServerConfig.usage());
            return;
        }
        if (config.versionRequested()) {
            System.out.print(ServerConfig.version());
            return;
        }
        RunningServer server = ServerAssembler.of(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.shutdown().get(config.gracePeriodMs() + 10_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                System.err.println("scorecam-server: shutdown did not finish cleanly: " + e);
            }
        }, "scorecam-shutdown"));
        log.info("scorecam-server listening on {}:{} ({}{}), metrics {}; loading {} model(s)",
                config.host(), server.port(), config.tlsEnabled() ? "TLS" : "plaintext",
                config.authToken() != null ? ", bearer token required" : "",
                server.metricsPort() > 0 ? "on :" + server.metricsPort() + "/metrics" : "off", server.models().size());
        server.awaitReady(Duration.ofDays(365));
        String models = server.engine().models().stream()
                .map(m -> m.isDefault() ? m.name() + " (default)" : m.name())
                .collect(Collectors.joining(", "));
        log.info("scorecam-server serving on {}:{}, models: {}", config.host(), server.port(), models);
    }
}
