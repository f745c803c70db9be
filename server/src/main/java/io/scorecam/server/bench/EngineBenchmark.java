package io.scorecam.server.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.method.Methods;
import io.scorecam.server.batching.CancellationToken;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.server.engine.ScoreCamEngine;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.model.ModelConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Engine-level benchmark (no gRPC): raw ORT images/s of the plain model at the engine's batch size
 * versus exact Score-CAM frames/s through the engine, measured in one run on the same machine.
 * efficiency = frames/s x passes per frame / raw images/s: how close the engine comes to the cost of
 * the forward passes alone.
 */
@Command(name = "engine-benchmark", mixinStandardHelpOptions = true,
        description = "Raw ORT throughput vs engine Score-CAM throughput for one model.")
public final class EngineBenchmark implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory (model.json + model.onnx)")
    Path modelDir;
    @Option(names = "--frames", description = "directory of JPEG/PNG frames (default: random frames)")
    Path framesDir;
    @Option(names = "--seconds", defaultValue = "10", description = "measuring time per phase")
    double seconds;
    @Option(names = "--streams", defaultValue = "4", description = "concurrent frame producers")
    int streams;
    @Option(names = "--window", defaultValue = "2", description = "frames in flight per producer")
    int window;
    @Option(names = "--batch-size", defaultValue = "0", description = "0: tuned at load time")
    int batchSize;
    @Option(names = "--convention", defaultValue = "SEED")
    Convention convention;
    @Option(names = "--method", defaultValue = "SCORE_CAM", split = ",", completionCandidates = Methods.Names.class,
            description = "one or more of ${COMPLETION-CANDIDATES} (comma-separated),"
                    + " measured one after the other against the same raw number")
    List<Method> methods;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EngineBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ModelConfig config = ModelConfig.load(modelDir);
        InferenceBackend backend = new DjlOrtBackend(BackendOptions.forWorkers(DeviceSpec.CPU, EngineOptions.defaults().workers()));
        // cache off: every frame must cost its full passes
        EngineOptions options = EngineOptions.defaults().withBatchSize(batchSize).withCacheBytes(0);
        try (ScoreCamEngine engine = ScoreCamEngine.load(List.of(config), backend, options,
                new SimpleMeterRegistry())) {
            ModelDescription d = engine.models().get(0);
            int batch = engine.batchSize(d.name());
            double raw = rawImagesPerSecond(backend, config, batch);
            List<RgbImage> frames = frames(config);
            System.out.printf("model=%s K=%d layer=%s %dx%d batch=%d streams=%d%n", d.name(), d.channels(),
                    d.targetLayer(), d.layerWidth(), d.layerHeight(), batch, streams);
            System.out.printf("raw ORT images/s (plain model, batch %d): %.1f%n", batch, raw);
            for (Method method : methods) {
                // RECIPRO_CAM's passes are head passes (the model after the target layer), far cheaper than
                // full ones: its efficiency figures exceed 1
                double[] engineResult = engineFramesPerSecond(engine, d.name(), frames, method);
                double fps = engineResult[0];
                double passes = engineResult[1];
                System.out.printf("engine %s/%s frames/s: %.2f, mean forward passes per frame: %.1f%n", method,
                        convention, fps, passes);
                System.out.printf("CPU time: raw %.3f ms/image, engine %.3f ms/frame, efficiency by CPU time %.3f%n",
                        rawCpuPerImage * 1e3, engineCpuPerFrame * 1e3, rawCpuPerImage * passes / engineCpuPerFrame);
                System.out.printf("RESULT model=%s method=%s convention=%s K=%d raw_images_per_s=%.1f "
                                + "frames_per_s=%.2f efficiency_K1=%.3f efficiency_passes=%.3f%n", d.name(), method,
                        convention, d.channels(), raw, fps, fps * (d.channels() + 1) / raw, fps * passes / raw);
            }
        }
        backend.close();
        return 0;
    }

    private double rawImagesPerSecond(InferenceBackend backend, ModelConfig config, int batch) throws Exception {
        // the engine runs batches from all its workers at once; so does this
        RawOrtThroughput.Result raw = RawOrtThroughput.measure(backend, config, batch,
                EngineOptions.defaults().workers(), 1.0, seconds);
        rawCpuPerImage = raw.cpuSecondsPerImage();
        return raw.imagesPerSecond();
    }

    /** CPU seconds the process spent per raw image / per engine frame: robust to other load on the machine. */
    private double rawCpuPerImage;
    private double engineCpuPerFrame;

    /** Returns {frames/s, mean forward passes per frame}. */
    private double[] engineFramesPerSecond(ScoreCamEngine engine, String model, List<RgbImage> frames,
                                           Method method) throws Exception {
        runFor(engine, model, frames, 1.0, method); // warm-up: scoring or head session, JIT
        return runFor(engine, model, frames, seconds, method);
    }

    private double[] runFor(ScoreCamEngine engine, String model, List<RgbImage> frames, double secs,
                            Method method) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong passes = new AtomicLong();
        long end = System.nanoTime() + (long) (secs * 1e9);
        long start = System.nanoTime();
        long cpuStart = RawOrtThroughput.processCpuNanos();
        List<Thread> producers = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int offset = s;
            Thread t = new Thread(() -> {
                Semaphore inFlight = new Semaphore(window);
                int i = offset;
                while (System.nanoTime() < end) {
                    inFlight.acquireUninterruptibly();
                    RgbImage frame = frames.get(i++ % frames.size());
                    CompletableFuture<FrameResult> f = engine.explain(new FrameRequest(model, frame, List.of(), 1,
                            method, convention, 0, MapSize.MODEL_INPUT, new CancellationToken()));
                    f.whenComplete((r, e) -> {
                        if (e == null) {
                            done.incrementAndGet();
                            passes.addAndGet(r.forwardPasses());
                        } else {
                            System.err.println("frame failed: " + e);
                        }
                        inFlight.release();
                    });
                }
                inFlight.acquireUninterruptibly(window); // wait for this producer's last frames
            });
            t.start();
            producers.add(t);
        }
        for (Thread t : producers) {
            t.join(TimeUnit.MINUTES.toMillis(10));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long n = Math.max(1, done.get());
        engineCpuPerFrame = (RawOrtThroughput.processCpuNanos() - cpuStart) / 1e9 / n;
        return new double[] {done.get() / elapsed, passes.get() / (double) n};
    }

    private List<RgbImage> frames(ModelConfig config) throws Exception {
        List<RgbImage> frames = new ArrayList<>();
        if (framesDir != null) {
            ImageDecoder decoder = new ImageDecoder(100_000_000L);
            try (Stream<Path> files = Files.list(framesDir)) {
                for (Path p : files.sorted().toList()) {
                    String n = p.getFileName().toString().toLowerCase();
                    if (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg")) {
                        frames.add(decoder.decode(Files.readAllBytes(p)));
                    }
                }
            }
        }
        if (frames.isEmpty()) {
            Random random = new Random(7);
            for (int i = 0; i < 16; i++) {
                byte[] rgb = new byte[config.input().width() * config.input().height() * 3];
                random.nextBytes(rgb);
                frames.add(new RgbImage(config.input().width(), config.input().height(), rgb));
            }
        }
        return frames;
    }
}
