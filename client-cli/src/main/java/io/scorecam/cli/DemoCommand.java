package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.cli.demo.DemoBundle;
import io.scorecam.cli.demo.EmbeddedServer;
import io.scorecam.cli.source.FrameFeed;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.errors.ScoreCamException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** {@code scorecam demo}: the whole product in one command, on this machine, with the bundled model. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Starts an embedded server on a free loopback port with the model built into this jar "
                + "(or --model-dir), replays its sample frames, writes overlays to --out and prints the summary.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    /** The embedded server is ours: if it stops answering for this long, something is broken. */
    private static final long IDLE_TIMEOUT_MS = 600_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Model repository: one sub-directory per model (default: the models built into this jar).")
    Path modelDir;

    @Option(names = "--frames", paramLabel = "DIR",
            description = "Frames to replay (default: the first MODEL/frames folder under --model-dir).")
    Path framesDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "scorecam-demo",
            description = "Where overlays, maps and results.jsonl go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--source", paramLabel = "SOURCE",
            description = "Explain this instead of the bundled frames: a folder, video file, camera (/dev/video0), "
                    + "pipe or URL, as for replay.")
    String source;

    @Option(names = "--web", description = "Serve the live viewer (browser camera or video file) instead of replaying; "
            + "runs until Ctrl-C.")
    boolean web;

    @Option(names = "--web-port", paramLabel = "PORT", defaultValue = "8080",
            description = "With --web: the viewer's port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Mixin
    ExplainOptions explain;

    @Mixin
    SourceOptions sourceOptions;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() {
        sourceOptions.checkRanges();
        outputOptions.check();
        if (source != null && framesDir != null) {
            throw new CliException("give --source or --frames, not both", CliException.USAGE);
        }
        if (modelDir != null && !Files.isDirectory(modelDir)) {
            throw new CliException("model directory '" + modelDir + "' not found (leave --model-dir out to use "
                    + "the models built into scorecam.jar)", CliException.USAGE);
        }
        try (DemoBundle bundle = modelDir == null ? unpack() : null) {
            Path models = bundle != null ? bundle.modelDir() : modelDir;
            return run(models, bundle != null ? "the models built into scorecam.jar" : models.toAbsolutePath().normalize().toString());
        }
    }

    private int run(Path modelDir, String modelsName) {
        if (web) {
            return serveViewer(modelDir, modelsName);
        }
        String frames = source != null ? source : (framesDir != null ? framesDir : bundledFrames(modelDir)).toString();
        ExplainRequest.Builder request = explain.template();
        PrintWriter stdout = spec.commandLine().getOut();
        FrameFeed feed = sourceOptions.feed(frames, spec.commandLine().getErr());
        ExplainRequest template = request.setPolicy(SourceOptions.policy(null, feed)).build();
        stdout.println("Starting an embedded server with " + modelsName + " ...");
        stdout.flush();
        try (EmbeddedServer server = startServer(modelDir)) {
            stdout.println("Replaying " + (feed.framesPerPass() >= 0 ? feed.framesPerPass() + " frames from " : "")
                    + feed.describe() + " to " + server.address());
            stdout.flush();
            ManagedChannel channel = Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create())
                    .maxInboundMessageSize(256 * 1024 * 1024).build();
            try {
                ReplayExecution.run(stdout, channel, server.address(), template,
                        new ReplayExecution.Plan(feed, sourceOptions.pacing(feed), 1, 1, IDLE_TIMEOUT_MS),
                        new ReplayExecution.Outputs(out, true, outputOptions, sourceOptions.videoFps(feed)),
                        ReplayExecution.interactive());
            } finally {
                channel.shutdownNow();
                ReplayCommand.awaitQuietly(channel);
            }
        }
        stdout.println("Overlays (JET heat map over each frame, one per class), maps (.npy) and results.jsonl: "
                + out.toAbsolutePath().normalize());
        return 0;
    }

    private static DemoBundle unpack() {
        try {
            return DemoBundle.extract();
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** demo --web: the embedded server with the live viewer, until the JVM is stopped. */
    private int serveViewer(Path modelDir, String modelsName) {
        if (webPort < 0 || webPort > 65535) {
            throw new CliException("--web-port must be 0..65535, got " + webPort, CliException.USAGE);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("Starting an embedded server with " + modelsName + " ...");
        stdout.flush();
        EmbeddedServer server = startServer(modelDir, "--web-port", Integer.toString(webPort));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        stdout.println("Live viewer: http://127.0.0.1:" + server.webPort() + "/  (camera or a video file; Ctrl-C stops)");
        stdout.println("gRPC: " + server.address());
        stdout.flush();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static EmbeddedServer startServer(Path modelDir, String... flags) {
        try {
            return EmbeddedServer.start(modelDir, flags);
        } catch (ConfigException | ScoreCamException e) {
            throw new CliException("cannot serve the models in " + modelDir + ": " + e.getMessage());
        }
    }

    /** MODEL/frames of the first model (by name) that has one. */
    static Path bundledFrames(Path modelDir) {
        try (Stream<Path> models = Files.list(modelDir)) {
            return models.filter(Files::isDirectory)
                    .sorted()
                    .map(m -> m.resolve("frames"))
                    .filter(Files::isDirectory)
                    .findFirst()
                    .orElseThrow(() -> new CliException("no MODEL/frames folder under " + modelDir
                            + ": pass --frames DIR"));
        } catch (IOException e) {
            throw new CliException("cannot list " + modelDir + ": " + e.getMessage());
        }
    }
}
