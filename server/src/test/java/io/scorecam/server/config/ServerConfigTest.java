package io.scorecam.server.config;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> ServerConfig.parse(args)).getMessage();
    }

    @Test
    void defaultsMatchTheDocumentation() {
        // the environment of the build could set SCORECAM_*; these are the flag defaults when it does not
        ServerConfig c = ServerConfig.parse();
        if (System.getenv().keySet().stream().noneMatch(k -> k.startsWith("SCORECAM_"))) {
            assertEquals(Path.of("models"), c.modelDir());
            assertEquals(50051, c.port());
            assertEquals(9090, c.metricsPort());
            assertEquals(0, c.streamWindow()); // by policy: 2 for BLOCK and for LATEST
            assertEquals(16 << 20, c.maxMessageBytes());
            assertEquals(40_000_000L, c.maxPixels());
            assertEquals(2.0, c.maxDelayMs());
            assertEquals(0, c.batchSize());
            assertEquals("cpu", c.device());
            assertEquals(-1, c.cudaDeviceId());
            assertEquals("0.0.0.0", c.host());
            assertNull(c.authToken());
            assertFalse(c.tlsEnabled());
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), ServerConfig.parse("--workers=0").workers());
    }

    @Test
    void flagsAreReadWithSizeSuffixes() {
        ServerConfig c = ServerConfig.parse("--port", "6000", "--max-message-bytes=32MiB", "--max-pixels=2M",
                "--device=cuda:1", "--stream-window=5", "--http2-stream-window=1MiB", "--cache-bytes=0",
                "--auth-token=abc", "--workers=3", "--max-delay-ms=0.5");
        assertEquals(6000, c.port());
        assertEquals(32 << 20, c.maxMessageBytes());
        assertEquals(2_000_000L, c.maxPixels());
        assertEquals(1, c.cudaDeviceId());
        assertEquals(5, c.streamWindow());
        assertEquals(1 << 20, c.http2StreamWindow());
        assertEquals(0, c.cacheBytes());
        assertEquals("abc", c.authToken());
        assertEquals(3, c.workers());
        assertEquals(0.5, c.maxDelayMs());
        assertEquals(0, ServerConfig.parse("--device=cuda").cudaDeviceId());
    }

    @Test
    void badFlagsAndValuesGiveOneLineNamingTheProblem() {
        assertTrue(error("--bogus").contains("--bogus"));
        assertTrue(error("--port=70000").contains("--port"));
        assertTrue(error("--port=abc").contains("abc"));
        assertTrue(error("--stream-window=-1").contains("--stream-window"));
        assertTrue(error("--device=tpu").contains("--device"));
        assertTrue(error("--max-message-bytes=lots").contains("lots"));
        assertTrue(error("--max-message-bytes=3GiB").contains("--max-message-bytes"));
        assertTrue(error("--tls-cert=cert.pem").contains("together"));
        assertTrue(error("--tls-cert=/nonexistent/c.pem", "--tls-key=/nonexistent/k.pem").contains("--tls-cert"));
        assertTrue(error("--auth-token= ").contains("--auth-token"));
        for (String m : new String[]{error("--bogus"), error("--port=x")}) {
            assertFalse(m.contains("\n"), "one line: " + m);
        }
    }

    @Test
    void theJitAwareWarmUpHasItsFlagsAndChecksThem() {
        ServerConfig c = ServerConfig.parse("--warmup-jit-max-ms=45000", "--warmup-jit-quiet-percent=0.5");
        assertEquals(45_000, c.warmupJitMaxMs());
        assertEquals(0.005, c.warmupJitQuietShare(), 1e-12);
        assertEquals(0, ServerConfig.parse("--warmup-jit-max-ms=0").warmupJitMaxMs());
        if (System.getenv().keySet().stream().noneMatch(k -> k.startsWith("SCORECAM_WARMUP_JIT"))) {
            assertEquals(30_000, ServerConfig.parse().warmupJitMaxMs());
            assertEquals(0.02, ServerConfig.parse().warmupJitQuietShare(), 1e-12);
        }
        assertEquals("--warmup-jit-max-ms must be at least 0 and at most 600000, got -1", error("--warmup-jit-max-ms=-1"));
        assertTrue(error("--warmup-jit-max-ms=600001").contains("--warmup-jit-max-ms"));
        assertEquals("--warmup-jit-quiet-percent must be above 0 and at most 100, got 0.0",
                error("--warmup-jit-quiet-percent=0"));
        assertTrue(error("--warmup-jit-quiet-percent=101").contains("--warmup-jit-quiet-percent"));
        assertTrue(error("--warmup-jit-quiet-percent=NaN").contains("--warmup-jit-quiet-percent"));
    }

    @Test
    void helpIsRecognisedAndUsageListsEveryFlag() {
        assertTrue(ServerConfig.parse("--help").helpRequested());
        String usage = ServerConfig.usage();
        for (String flag : new String[]{"--model-dir", "--default-model", "--port", "--metrics-port", "--batch-size",
                "--max-delay-ms", "--workers", "--device", "--stream-window", "--max-message-bytes", "--max-pixels",
                "--tls-cert", "--tls-key", "--auth-token", "--grace-period-ms", "--cache-bytes", "--host"}) {
            assertTrue(usage.contains(flag), flag);
        }
    }

    @Test
    void metricsPortZeroPicksAFreePortAndOffHasItsOwnSpelling() {
        ServerConfig free = ServerConfig.parse("--metrics-port=0");
        assertTrue(free.metricsEnabled());
        assertEquals(0, free.metricsPort());
        assertEquals(9100, ServerConfig.parse("--metrics-port", "9100").metricsPort());
        for (String off : new String[]{"off", "OFF", " off"}) {
            ServerConfig c = ServerConfig.parse("--metrics-port", off);
            assertFalse(c.metricsEnabled(), off);
            assertThrows(IllegalStateException.class, c::metricsPort);
        }
        String negative = error("--metrics-port=-1");
        assertTrue(negative.contains("--metrics-port") && negative.contains("off"), negative);
        assertTrue(error("--metrics-port=70000").contains("70000"));
        assertTrue(error("--metrics-port=none").contains("none"));
    }

    @Test
    void helpNamesEachFlagsEnvironmentVariableTheFlagReallyReads() {
        String usage = ServerConfig.usage();
        CommandLine cl = new CommandLine(ServerConfig.class);
        java.util.Map<String, String> vars = EnvironmentVariables.byFlag(ServerConfig.class);
        int withEnv = 0;
        for (OptionSpec option : cl.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            // the documented rule: SCORECAM_ + the flag name in upper case, dashes as underscores
            String expected = "SCORECAM_" + option.longestName().substring(2).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            assertEquals(expected, vars.get(option.names()[0]), option.longestName() + " has no ${env:...} default");
            int flagAt = usage.indexOf(option.longestName());
            int envAt = usage.indexOf("env " + expected + System.lineSeparator());
            assertTrue(flagAt >= 0 && envAt > flagAt, option.longestName() + " help should name " + expected + ":\n" + usage);
            withEnv++;
        }
        assertTrue(withEnv >= 20, "flags seen: " + withEnv);
    }

    @Test
    void versionIsTheBuildsVersion() {
        ServerConfig c = ServerConfig.parse("--version");
        assertTrue(c.versionRequested());
        assertFalse(c.helpRequested());
        assertTrue(BuildInfo.version().matches("\\d+\\.\\d+\\.\\d+.*"), BuildInfo.version());
        assertEquals("scorecam-server " + BuildInfo.version(), ServerConfig.version().strip());
    }

    @Test
    void sizeConverterReadsBinaryAndDecimalSuffixes() {
        assertEquals(1024, SizeConverter.parse("1KiB"));
        assertEquals(16L << 20, SizeConverter.parse("16MiB"));
        assertEquals(40_000_000L, SizeConverter.parse("40M"));
        assertEquals(123, SizeConverter.parse("123"));
        assertEquals(3_000_000_000L, SizeConverter.parse("3G"));
    }
}
