package io.scorecam.server.inference.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.BatchSizeTuner;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.inference.TensorInfo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Not a test: prints images/s of the DJL path against plain ORT Java (same session options, same direct
 * input buffers, one heap copy of the output each), in many short interleaved rounds, keeping each path's
 * best round: on a shared machine the best round is the one least disturbed by neighbours. Then the
 * batch-size tuner's table. Usage: BackendBenchmark [model.onnx] [ms per round] [rounds] [intra-op threads]
 * (default model: the shared MobileNetV2 under scorecam.repo.root/../shared).
 */
public final class BackendBenchmark {

    private interface Runner {
        void run(FloatTensor input) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : Fixtures.sharedMobileNet();
        if (model == null) {
            System.err.println("no model: pass a path or set -Dscorecam.repo.root");
            return;
        }
        long roundMs = args.length > 1 ? Long.parseLong(args[1]) : 300;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        byte[] bytes = Files.readAllBytes(model);
        BackendOptions options = args.length > 3
                ? BackendOptions.defaults().withIntraOpThreads(Integer.parseInt(args[3])) : BackendOptions.defaults();
        System.out.printf(Locale.ROOT, "model %s, device %s, intra-op threads %d, %d rounds x %d ms%n",
                model.getFileName(), options.device(), options.intraOpThreads(), rounds, roundMs);

        try (DjlOrtBackend backend = new DjlOrtBackend(options);
             InferenceSession djl = backend.open(bytes, "bench");
             SessionOptions so = OrtSessionOptions.create(options);
             OrtSession plain = OrtEnvironment.getEnvironment().createSession(bytes, so)) {
            TensorInfo in = djl.inputs().get(0);
            String out = djl.outputs().get(0).name();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Runner viaDjl = x -> djl.run(Map.<String, Tensor>of(in.name(), x), List.of(out)).get(out);
            Runner viaOrt = x -> {
                try (OnnxTensor t = OnnxTensor.createTensor(env, x.data().duplicate(), x.shape());
                     OrtSession.Result r = plain.run(Map.of(in.name(), t), Set.of(out))) {
                    FloatBuffer copied = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    if (copied.remaining() == 0) {
                        throw new IllegalStateException("empty output");
                    }
                }
            };
            System.out.printf(Locale.ROOT, "%6s %12s %12s %8s %14s %14s %8s%n", "batch", "DJL img/s", "plain img/s",
                    "ratio", "DJL cpu us", "plain cpu us", "ratio");
            for (int batch : new int[] {1, 8, 16, 32}) {
                FloatTensor x = Fixtures.random(batch, withBatch(in.shape(), batch));
                // warm up by time, not count: the JIT must have compiled both paths before the first round
                long warmEnd = System.nanoTime() + 1_000_000_000L;
                do {
                    viaDjl.run(x);
                    viaOrt.run(x);
                } while (System.nanoTime() < warmEnd);
                Round viaDjlRounds = new Round();
                Round viaOrtRounds = new Round();
                for (int r = 0; r < rounds; r++) {
                    // alternate which path goes first so neither always gets the warmer cache
                    if (r % 2 == 0) {
                        viaDjlRounds.measure(viaDjl, x, batch, roundMs);
                        viaOrtRounds.measure(viaOrt, x, batch, roundMs);
                    } else {
                        viaOrtRounds.measure(viaOrt, x, batch, roundMs);
                        viaDjlRounds.measure(viaDjl, x, batch, roundMs);
                    }
                }
                System.out.printf(Locale.ROOT, "%6d %12.1f %12.1f %8.3f %14.1f %14.1f %8.3f%n", batch,
                        viaDjlRounds.bestImagesPerSecond, viaOrtRounds.bestImagesPerSecond, viaDjlRounds.bestImagesPerSecond / viaOrtRounds.bestImagesPerSecond,
                        viaDjlRounds.bestCpuMicrosPerCall, viaOrtRounds.bestCpuMicrosPerCall, viaDjlRounds.bestCpuMicrosPerCall / viaOrtRounds.bestCpuMicrosPerCall);
            }

            BatchSizeTuner.Result tuned = BatchSizeTuner.defaults().tune(djl,
                    b -> Map.of(in.name(), Fixtures.random(b, withBatch(in.shape(), b))), List.of(out),
                    BatchSizeTuner.DEFAULT_CANDIDATES);
            System.out.println("batch-size tuner (defaults):");
            System.out.print(tuned.format());
        }
    }

    /**
     * Best wall-clock throughput and lowest CPU time of the calling thread per call, over rounds. With one
     * intra-op thread ORT computes on the calling thread, so CPU time compares the paths even on a busy
     * machine, where wall time mostly measures the neighbours.
     */
    private static final class Round {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        double bestImagesPerSecond;
        double bestCpuMicrosPerCall = Double.MAX_VALUE;

        void measure(Runner runner, FloatTensor x, int batch, long ms) throws Exception {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + ms * 1_000_000L;
            long runs = 0;
            long now;
            do {
                runner.run(x);
                runs++;
                now = System.nanoTime();
            } while (now < end);
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
            bestImagesPerSecond = Math.max(bestImagesPerSecond, runs * (double) batch * 1e9 / (now - start));
            bestCpuMicrosPerCall = Math.min(bestCpuMicrosPerCall, cpu / 1000.0 / runs);
        }
    }

    private static long[] withBatch(long[] declared, int batch) {
        long[] shape = declared.clone();
        shape[0] = batch;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("benchmark needs fixed non-batch dimensions, got " + java.util.Arrays.toString(declared));
            }
        }
        return shape;
    }
}
