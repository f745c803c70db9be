package io.scorecam.server.config;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every server setting in one place. Each flag falls back to an environment variable (SCORECAM_ + the flag
 * name in upper case, e.g. SCORECAM_PORT), then to the default shown in --help; --help names each variable.
 */
@Command(name = "scorecam-server", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Serves Score-CAM saliency maps for ONNX image classifiers over gRPC.")
public final class ServerConfig {
    /** How long a partial batch waits for more items by default (ms): also EngineOptions.defaults(). */
    public static final String DEFAULT_MAX_DELAY_MS = "2";
    /** The JIT-aware warm-up's cap and quiet share (loadtest/RESULTS.md, "JIT-aware warm-up (session 6)"). */
    static final String DEFAULT_WARMUP_JIT_MAX_MS = "30000";
    static final String DEFAULT_WARMUP_JIT_QUIET_PERCENT = "2.0";
    private static final Pattern DEVICE = Pattern.compile("cpu|cuda(?::(\\d+))?");

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "${env:SCORECAM_MODEL_DIR:-models}",
            description = "Directory with one sub-directory per model (default: ${DEFAULT-VALUE}).")
    private Path modelDir;

    @Option(names = "--model-poll-seconds", paramLabel = "N", defaultValue = "${env:SCORECAM_MODEL_POLL_SECONDS:-0}",
            description = "Scan --model-dir every N seconds and load added or changed model directories, drop removed "
                    + "ones, without a restart (calls under way finish on the version they began on); 0 turns it "
                    + "off (default: ${DEFAULT-VALUE}).")
    private int modelPollSeconds;

    @Option(names = "--default-model", paramLabel = "NAME", defaultValue = "${env:SCORECAM_DEFAULT_MODEL:-}",
            description = "Model used when a request names none (default: the first model by name).")
    private String defaultModel;

    @Option(names = "--host", defaultValue = "${env:SCORECAM_HOST:-0.0.0.0}",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "${env:SCORECAM_PORT:-50051}",
            description = "gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--metrics-port", paramLabel = "PORT|off", converter = MetricsPortConverter.class,
            defaultValue = "${env:SCORECAM_METRICS_PORT:-9090}",
            description = "Prometheus /metrics port; 0 picks a free one, 'off' serves no metrics (default: ${DEFAULT-VALUE}).")
    private int metricsPort;

    @Option(names = "--web-port", paramLabel = "PORT|off", converter = MetricsPortConverter.class,
            defaultValue = "${env:SCORECAM_WEB_PORT:-off}",
            description = "Live viewer in the browser (page + WebSocket) on this port; 0 picks a free one, "
                    + "'off' serves none (default: ${DEFAULT-VALUE}).")
    private int webPort;

    @Option(names = "--batch-size", defaultValue = "${env:SCORECAM_BATCH_SIZE:-0}",
            description = "Masked images per inference batch; 0 tunes it per model at load (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--tune-budget-ms", defaultValue = "${env:SCORECAM_TUNE_BUDGET_MS:-8000}",
            description = "Longest batch-size tuning per model at load; health is NOT_SERVING meanwhile (default: ${DEFAULT-VALUE}).")
    private long tuneBudgetMs;

    @Option(names = "--warmup-ms", defaultValue = "${env:SCORECAM_WARMUP_MS:-3000}",
            description = "Synthetic frames run through every method after loading, before health turns SERVING, "
                    + "so the first client frames run at warm speed; 0 turns it off (default: ${DEFAULT-VALUE}).")
    private long warmupMs;

    @Option(names = "--warmup-transport-percent", defaultValue = "${env:SCORECAM_WARMUP_TRANSPORT_PERCENT:-50}",
            description = "Share of --warmup-ms spent sending warm-up frames through the server's own gRPC port over "
                    + "loopback (a stream and unary calls per model, after the in-process frames, before SERVING), so "
                    + "message reading, HTTP/2 writes and the stream window are compiled too; 0 turns it off, at most 90 "
                    + "(default: ${DEFAULT-VALUE}).")
    private int warmupTransportPercent;

    @Option(names = "--warmup-jit-max-ms", defaultValue = "${env:SCORECAM_WARMUP_JIT_MAX_MS:-" + DEFAULT_WARMUP_JIT_MAX_MS + "}",
            description = "After --warmup-ms, keep sending warm-up frames through the gRPC port while the JIT compilers "
                    + "are busy (over --warmup-jit-quiet-percent of the CPU in a 2-s window), for at most this long; "
                    + "health stays NOT_SERVING meanwhile. Code still being compiled runs slower: this makes the first "
                    + "client frames fast at the price of a later SERVING. 0 turns it off (default: ${DEFAULT-VALUE}).")
    private long warmupJitMaxMs;

    @Option(names = "--warmup-jit-quiet-percent", defaultValue = "${env:SCORECAM_WARMUP_JIT_QUIET_PERCENT:-"
            + DEFAULT_WARMUP_JIT_QUIET_PERCENT + "}",
            description = "JIT compile time over the cores' time, in percent, at or below which the JIT counts as "
                    + "quiet and the warm-up ends (default: ${DEFAULT-VALUE}).")
    private double warmupJitQuietPercent;

    @Option(names = "--max-delay-ms", defaultValue = "${env:SCORECAM_MAX_DELAY_MS:-" + DEFAULT_MAX_DELAY_MS + "}",
            description = "Longest wait for a batch to fill before it runs (default: ${DEFAULT-VALUE}).")
    private double maxDelayMs;

    @Option(names = "--workers", defaultValue = "${env:SCORECAM_WORKERS:-0}",
            description = "Inference worker threads; 0 means one per core.")
    private int workers;

    @Option(names = "--codec-threads", defaultValue = "${env:SCORECAM_CODEC_THREADS:-0}",
            description = "Threads that decode frames and encode maps; 0 means one per core.")
    private int codecThreads;

    @Option(names = "--event-loops", defaultValue = "${env:SCORECAM_EVENT_LOOPS:-0}",
            description = "Event loops accepting gRPC connections (they parse messages and route); 0 means one per core. "
                    + "With --port 0 there is one.")
    private int eventLoops;

    @Option(names = "--device", defaultValue = "${env:SCORECAM_DEVICE:-cpu}",
            description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
    private String device;

    @Option(names = "--gpu-metrics", paramLabel = "COMMAND|off", defaultValue = "${env:SCORECAM_GPU_METRICS:-nvidia-smi}",
            description = "On CUDA only: the nvidia-smi polled every 5 s for the scorecam_gpu_* memory and utilisation "
                    + "gauges; 'off' serves none. A CPU server has no GPU series (default: ${DEFAULT-VALUE}).")
    private String gpuMetrics;

    @Option(names = "--stream-window", defaultValue = "${env:SCORECAM_STREAM_WINDOW:-0}",
            description = "Frames in flight per stream before the server stops reading it; 0: by the stream's policy, "
                    + "2 for BLOCK (throughput); for LATEST (a live camera's latency) 2, the second started in the first's "
                    + "tail, or beside it from its start while the stream's measured frame times show that this costs "
                    + "a frame little time (default: ${DEFAULT-VALUE}).")
    private int streamWindow;

    @Option(names = "--max-message-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_MAX_MESSAGE_BYTES:-16MiB}",
            description = "Largest gRPC message accepted (default: ${DEFAULT-VALUE}).")
    private long maxMessageBytes;

    @Option(names = "--max-classes", defaultValue = "${env:SCORECAM_MAX_CLASSES:-32}",
            description = "Most maps one frame may ask for (target_classes entries, top_k); more is INVALID_ARGUMENT "
                    + "(default: ${DEFAULT-VALUE}).")
    private int maxClasses;

    @Option(names = "--max-response-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_MAX_RESPONSE_BYTES:-64MiB}",
            description = "Most bytes the maps of one response may hold (estimated before any work); more is "
                    + "INVALID_ARGUMENT (default: ${DEFAULT-VALUE}).")
    private long maxResponseBytes;

    @Option(names = "--frame-memory", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_FRAME_MEMORY:-0}",
            description = "Working memory shared by all frames being explained (decoded pixels, maps, responses); "
                    + "frames wait for it, then fail RESOURCE_EXHAUSTED. 0: a quarter of the max heap.")
    private long frameMemory;

    @Option(names = "--admission-wait-ms", defaultValue = "${env:SCORECAM_ADMISSION_WAIT_MS:-10000}",
            description = "How long a frame may wait for --frame-memory before it fails RESOURCE_EXHAUSTED "
                    + "(default: ${DEFAULT-VALUE}).")
    private long admissionWaitMs;

    @Option(names = "--max-streams", defaultValue = "${env:SCORECAM_MAX_STREAMS:-64}",
            description = "Most ExplainStream calls open at once (all connections); more get RESOURCE_EXHAUSTED "
                    + "(default: ${DEFAULT-VALUE}).")
    private int maxStreams;

    @Option(names = "--max-header-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_MAX_HEADER_BYTES:-8KiB}",
            description = "Largest request header list of one call (as HTTP/2 counts it); larger calls fail alone "
                    + "with RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
    private long maxHeaderBytes;

    @Option(names = "--max-pixels", paramLabel = "COUNT", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_MAX_PIXELS:-40M}",
            description = "Largest frame (width x height) accepted; checked before decoding (default: ${DEFAULT-VALUE}).")
    private long maxPixels;

    @Option(names = "--http2-stream-window", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_HTTP2_STREAM_WINDOW:-4MiB}",
            description = "HTTP/2 initial flow-control window per stream (default: ${DEFAULT-VALUE}).")
    private long http2StreamWindow;

    @Option(names = "--http2-connection-window", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_HTTP2_CONNECTION_WINDOW:-16MiB}",
            description = "HTTP/2 flow-control window per connection (default: ${DEFAULT-VALUE}).")
    private long http2ConnectionWindow;

    @Option(names = "--http2-max-frame-size", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_HTTP2_MAX_FRAME_SIZE:-1MiB}",
            description = "Largest HTTP/2 DATA frame a client may send, 16KiB to 16MiB - 1 byte; a raw camera frame "
                    + "in one DATA frame is read in one piece instead of sixteen-KiB pieces (default: ${DEFAULT-VALUE}).")
    private long http2MaxFrameSize;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "${env:SCORECAM_TLS_CERT}",
            description = "Server certificate chain (PEM); with --tls-key turns TLS on.")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "${env:SCORECAM_TLS_KEY}",
            description = "Private key of --tls-cert (PEM, PKCS#8 or PKCS#1).")
    private Path tlsKey;

    @Option(names = "--auth-token", paramLabel = "TOKEN", defaultValue = "${env:SCORECAM_AUTH_TOKEN}",
            description = "When set, every call but health checks needs 'authorization: Bearer TOKEN'.")
    private String authToken;

    @Option(names = "--grace-period-ms", defaultValue = "${env:SCORECAM_GRACE_PERIOD_MS:-10000}",
            description = "On shutdown, how long in-flight frames may take to be answered (default: ${DEFAULT-VALUE}).")
    private long gracePeriodMs;

    @Option(names = "--cache-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            defaultValue = "${env:SCORECAM_CACHE_BYTES:-256MiB}",
            description = "Memory for cached score matrices; 0 turns the cache off (default: ${DEFAULT-VALUE}).")
    private long cacheBytes;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:SCORECAM_LOG_LEVEL:-info}",
            description = "trace, debug, info, warn, error or off: the least severe line logged, for the server's "
                    + "logs (stderr) and its JSON event lines on stdout (failed frames: warn, stream ends: info) "
                    + "(default: ${DEFAULT-VALUE}).")
    private String logLevel;

    @CommandLine.Mixin
    private TracingFlags tracing = new TracingFlags();

    private boolean helpRequested;
    private boolean versionRequested;

    private ServerConfig() {
    }

    /**
     * Parses command-line flags (falling back to environment variables) and checks every value.
     *
     * @throws ConfigException naming the bad flag or value
     */
    public static ServerConfig parse(String... args) {
        ServerConfig config = new ServerConfig();
        // the last occurrence of a flag wins, as with most CLIs (lets wrappers append overrides)
        CommandLine cl = commandLine(config).setOverwrittenOptionsAllowed(true);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new ConfigException(firstLine(e.getMessage()));
        }
        config.helpRequested = cl.isUsageHelpRequested();
        config.versionRequested = cl.isVersionHelpRequested();
        if (!config.helpRequested && !config.versionRequested) {
            config.validate();
        }
        return config;
    }

    /** The --help text: every flag with its SCORECAM_* variable and default. */
    public static String usage() {
        return commandLine(new ServerConfig()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** The --version text. */
    public static String version() {
        return String.join(System.lineSeparator(), new BuildInfo().getVersion()) + System.lineSeparator();
    }

    /** The parser, with each flag's environment variable (read from its default) added to its description. */
    private static CommandLine commandLine(ServerConfig config) {
        CommandLine cl = new CommandLine(config);
        CommandSpec spec = cl.getCommandSpec();
        Map<String, String> vars = EnvironmentVariables.byFlag(ServerConfig.class);
        for (OptionSpec option : List.copyOf(spec.options())) {
            String env = vars.get(option.names()[0]);
            if (env != null) {
                List<String> description = new ArrayList<>(List.of(option.description()));
                description.add("env " + env);
                spec.remove(option);
                spec.addOption(option.toBuilder().description(description.toArray(String[]::new)).build());
            }
        }
        return cl;
    }

    private void validate() {
        try {
            logLevel();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--log-level must be one of trace, debug, info, warn, error, off, got '"
                    + logLevel + "'");
        }
        requireRange("--port", port, 0, 65535);
        requireRange("--batch-size", batchSize, 0, 1 << 16);
        requireRange("--workers", workers, 0, 1024);
        requireRange("--codec-threads", codecThreads, 0, 1024);
        requireRange("--event-loops", eventLoops, 0, 256);
        requireRange("--stream-window", streamWindow, 0, 4096);
        requireRange("--max-message-bytes", maxMessageBytes, 1024, Integer.MAX_VALUE);
        requireRange("--max-header-bytes", maxHeaderBytes, 1024, 1 << 20);
        requireRange("--max-classes", maxClasses, 1, 100_000);
        requireRange("--max-response-bytes", maxResponseBytes, 1024, Long.MAX_VALUE);
        requireRange("--frame-memory", frameMemory, 0, Long.MAX_VALUE);
        requireRange("--admission-wait-ms", admissionWaitMs, 0, 3_600_000);
        requireRange("--max-streams", maxStreams, 1, 1_000_000);
        requireRange("--max-pixels", maxPixels, 1, Long.MAX_VALUE);
        // RFC 7540 6.5.2: the largest legal window is 2^31-1; below 64 KiB is the HTTP/2 default or less
        requireRange("--http2-stream-window", http2StreamWindow, 65535, Integer.MAX_VALUE);
        requireRange("--http2-connection-window", http2ConnectionWindow, 65535, Integer.MAX_VALUE);
        requireRange("--http2-max-frame-size", http2MaxFrameSize, 16384, 16_777_215);
        requireRange("--grace-period-ms", gracePeriodMs, 0, Long.MAX_VALUE);
        requireRange("--tune-budget-ms", tuneBudgetMs, 100, 600_000);
        requireRange("--warmup-ms", warmupMs, 0, 600_000);
        // the in-process frames must run first: they find the pairs too slow to send through the port
        requireRange("--warmup-transport-percent", warmupTransportPercent, 0, 90);
        requireRange("--model-poll-seconds", modelPollSeconds, 0, 86_400);
        requireRange("--warmup-jit-max-ms", warmupJitMaxMs, 0, 600_000);
        if (!(warmupJitQuietPercent > 0 && warmupJitQuietPercent <= 100)) {
            throw new ConfigException("--warmup-jit-quiet-percent must be above 0 and at most 100, got "
                    + warmupJitQuietPercent);
        }
        if (!(maxDelayMs >= 0 && maxDelayMs <= 60_000)) {
            throw new ConfigException("--max-delay-ms must be between 0 and 60000, got " + maxDelayMs);
        }
        if (!DEVICE.matcher(device).matches()) {
            throw new ConfigException("--device must be cpu or cuda[:N], got '" + device + "'");
        }
        if (host.isBlank()) {
            throw new ConfigException("--host must not be empty");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ConfigException("--tls-cert and --tls-key must be given together");
        }
        requireReadable("--tls-cert", tlsCert);
        requireReadable("--tls-key", tlsKey);
        if (authToken != null && authToken.isBlank()) {
            throw new ConfigException("--auth-token must not be blank");
        }
        tracing.validate();
    }

    private static void requireRange(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            String upper = max == Long.MAX_VALUE ? "" : " and at most " + max;
            throw new ConfigException(flag + " must be at least " + min + upper + ", got " + value);
        }
    }

    private static void requireReadable(String flag, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw new ConfigException(flag + " file '" + file + "' does not exist or is not readable");
        }
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    /** --help was given: print {@link #usage()}, nothing else was checked. */
    public boolean helpRequested() {
        return helpRequested;
    }

    /** --version was given: print {@link #version()}, nothing else was checked. */
    public boolean versionRequested() {
        return versionRequested;
    }

    public Path modelDir() {
        return modelDir;
    }

    /** Seconds between scans of the model repository; 0: no hot reload. */
    public int modelPollSeconds() {
        return modelPollSeconds;
    }

    /** The default model's name; empty: the engine picks (the first model by name). */
    public String defaultModel() {
        return defaultModel;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** false: --metrics-port off. */
    public boolean metricsEnabled() {
        return metricsPort != MetricsPortConverter.OFF;
    }

    /** The /metrics port when {@link #metricsEnabled()}; 0 picks a free one, like --port 0. */
    public int metricsPort() {
        if (!metricsEnabled()) {
            throw new IllegalStateException("--metrics-port is off");
        }
        return metricsPort;
    }

    /** Whether the live viewer is served (--web-port is not 'off'). */
    public boolean webEnabled() {
        return webPort != MetricsPortConverter.OFF;
    }

    /** The live viewer's port (0: a free one); meaningful only when {@link #webEnabled()}. */
    public int webPort() {
        return webEnabled() ? webPort : 0;
    }

    /** 0: tuned per model at load. */
    public int batchSize() {
        return batchSize;
    }

    public long tuneBudgetMs() {
        return tuneBudgetMs;
    }

    /** 0: no warm-up. */
    public long warmupMs() {
        return warmupMs;
    }

    /** Percent of {@link #warmupMs()} for warm-up frames through the gRPC port; 0: none. */
    public int warmupTransportPercent() {
        return warmupTransportPercent;
    }

    /** Longest JIT-aware extension of the warm-up after {@link #warmupMs()}; 0: none. */
    public long warmupJitMaxMs() {
        return warmupJitMaxMs;
    }

    /** Compile time over the cores' time (a share, not percent) at or below which the JIT counts as quiet. */
    public double warmupJitQuietShare() {
        return warmupJitQuietPercent / 100;
    }

    public double maxDelayMs() {
        return maxDelayMs;
    }

    /** Inference worker threads (flag value 0 resolved to the number of cores). */
    public int workers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    /** Decode/encode threads (flag value 0 resolved to the number of cores). */
    public int codecThreads() {
        return codecThreads > 0 ? codecThreads : Runtime.getRuntime().availableProcessors();
    }

    /** gRPC listener event loops (flag value 0 resolved to the number of cores). */
    public int eventLoops() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    public String device() {
        return device;
    }

    /** The CUDA device id, or -1 for the CPU. */
    public int cudaDeviceId() {
        Matcher m = DEVICE.matcher(device);
        if (!m.matches() || device.equals("cpu")) {
            return -1;
        }
        return m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    }

    /** The command the GPU gauges poll, or empty on the CPU and with {@code --gpu-metrics off}. */
    public java.util.Optional<String> gpuMetricsCommand() {
        String c = gpuMetrics.strip();
        return cudaDeviceId() < 0 || c.isEmpty() || c.equalsIgnoreCase("off")
                ? java.util.Optional.empty() : java.util.Optional.of(c);
    }

    public int streamWindow() {
        return streamWindow;
    }

    public int maxMessageBytes() {
        return (int) maxMessageBytes;
    }

    public int maxClasses() {
        return maxClasses;
    }

    public long maxResponseBytes() {
        return maxResponseBytes;
    }

    /** The frame memory budget in bytes (flag value 0 resolved to a quarter of the max heap). */
    public long frameMemory() {
        return frameMemory > 0 ? frameMemory : Runtime.getRuntime().maxMemory() / 4;
    }

    public long admissionWaitMs() {
        return admissionWaitMs;
    }

    public int maxStreams() {
        return maxStreams;
    }

    public long maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /**
     * SETTINGS_MAX_HEADER_LIST_SIZE advertised to clients: well above --max-header-bytes, because netty closes
     * the whole connection (GOAWAY) for a header list above 1.25 x this value, while the call gate refuses a
     * list above --max-header-bytes for that call only.
     */
    public long http2MaxHeaderListSize() {
        return Math.max(64 * 1024, 2 * maxHeaderBytes);
    }

    public long maxPixels() {
        return maxPixels;
    }

    public int http2StreamWindow() {
        return (int) http2StreamWindow;
    }

    public int http2ConnectionWindow() {
        return (int) http2ConnectionWindow;
    }

    public int http2MaxFrameSize() {
        return (int) http2MaxFrameSize;
    }

    public boolean tlsEnabled() {
        return tlsCert != null;
    }

    public Path tlsCert() {
        return tlsCert;
    }

    public Path tlsKey() {
        return tlsKey;
    }

    /** null when calls need no token. */
    public String authToken() {
        return authToken;
    }

    public long gracePeriodMs() {
        return gracePeriodMs;
    }

    public long cacheBytes() {
        return cacheBytes;
    }

    /** The OpenTelemetry trace settings (--otlp-endpoint and friends). */
    public TracingFlags tracing() {
        return tracing;
    }

    public LogLevel logLevel() {
        return LogLevel.valueOf(logLevel.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
