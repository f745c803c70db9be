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
            System.out.printf(Locale.ROOT, "%6s %14s %14s %8s%n", "batch", "DJL img/s", "plain img/s", "DJL/ORT");
            for (int batch : new int[] {1, 8, 16, 32}) {
                FloatTensor x = Fixtures.random(batch, withBatch(in.shape(), batch));
                for (int w = 0; w < 3; w++) {
                    viaDjl.run(x);
                    viaOrt.run(x);
                }
                double bestDjl = 0;
                double bestOrt = 0;
                for (int r = 0; r < rounds; r++) {
                    // alternate which path goes first so neither always gets the warmer cache
                    if (r % 2 == 0) {
                        bestDjl = Math.max(bestDjl, measure(viaDjl, x, batch, roundMs));
                        bestOrt = Math.max(bestOrt, measure(viaOrt, x, batch, roundMs));
                    } else {
                        bestOrt = Math.max(bestOrt, measure(viaOrt, x, batch, roundMs));
                        bestDjl = Math.max(bestDjl, measure(viaDjl, x, batch, roundMs));
                    }
                }
                System.out.printf(Locale.ROOT, "%6d %14.1f %14.1f %8.3f%n", batch, bestDjl, bestOrt, bestDjl / bestOrt);
            }

            BatchSizeTuner.Result tuned = BatchSizeTuner.defaults().tune(djl,
                    b -> Map.of(in.name(), Fixtures.random(b, withBatch(in.shape(), b))), List.of(out),
                    BatchSizeTuner.DEFAULT_CANDIDATES);
            System.out.println("batch-size tuner (defaults):");
            System.out.print(tuned.format());
        }
    }

    private static double measure(Runner runner, FloatTensor x, int batch, long ms) throws Exception {
        long start = System.nanoTime();
        long end = start + ms * 1_000_000L;
        long runs = 0;
        long now;
        do {
            runner.run(x);
            runs++;
            now = System.nanoTime();
        } while (now < end);
        return runs * (double) batch * 1e9 / (now - start);
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
