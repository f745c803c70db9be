package io.scorecam.scale;

import io.grpc.ManagedChannel;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.loadtest.ClientChannels;
import io.scorecam.loadtest.FrameSource;
import io.scorecam.loadtest.LoadRun;
import io.scorecam.loadtest.RequestTemplate;
import io.scorecam.loadtest.StreamPlan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Benchmark (prints numbers, asserts nothing): a FRESH server JVM per run, with and without the load-time
 * warm-up, then one closed-loop stream of unique frames for {@code seconds}; prints how long the port took to
 * answer, how long to SERVING, and OK frames/s in the first 3 s against the last half of the run.
 *
 * <pre>java -cp SCALE_IT_TEST_CLASSPATH io.scorecam.scale.WarmUpBenchmark [MODEL_REPO] [METHOD] [SECONDS] [WARMUP_MS...]</pre>
 */
public final class WarmUpBenchmark {
    private WarmUpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args.length > 0 ? args[0] : Tools.REPO.resolve("models").toString());
        Method method = Method.valueOf(args.length > 1 ? args[1] : "SCORE_CAM");
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String[] warmups = args.length > 3 ? java.util.Arrays.copyOfRange(args, 3, args.length) : new String[] {"0", "3000"};
        Path logs = Files.createTempDirectory("warmup-bench");
        for (int round = 0; round < 2; round++) {
            for (String warmup : warmups) {
                run(models, method, seconds, Long.parseLong(warmup), logs);
            }
        }
    }

    private static void run(Path models, Method method, int seconds, long warmupMs, Path logs) throws Exception {
        long t0 = System.nanoTime();
        try (Replicas one = new Replicas(1, models, logs, "--warmup-ms=" + warmupMs)) {
            double servingS = (System.nanoTime() - t0) / 1e9;
            String log = Files.readString(one.get(0).log);
            ManagedChannel channel = ClientChannels.open(one.get(0).address(), null);
            try {
                ModelInfo info = ExplainServiceGrpc.newBlockingStub(channel).listModels(ListModelsRequest.getDefaultInstance())
                        .getModels(0);
                RequestTemplate template = new RequestTemplate(ExplainRequest.newBuilder().setModel(info.getName())
                        .setMethod(method).setTopK(1).setWantPng(true).build(),
                        FrameSource.noise(info.getInputWidth(), info.getInputHeight(), 16, FrameSource.Encoding.RAW, true));
                AtomicLongArray perSecond = new AtomicLongArray(seconds + 30);
                long start = System.nanoTime();
                LoadRun run = new LoadRun(channel, template, 1, s -> StreamPlan.closed(2, seconds * 1_000_000_000L, 0),
                        30_000_000_000L);
                run.run((response, answered, intended) -> {
                    int s = (int) ((answered - start) / 1_000_000_000L);
                    if (response.getStatus() == FrameStatus.OK && s >= 0 && s < perSecond.length()) {
                        perSecond.incrementAndGet(s);
                    }
                });
                double first = sum(perSecond, 0, 3) / 3.0;
                int half = seconds / 2;
                double warm = sum(perSecond, half, seconds) / (double) (seconds - half);
                System.out.printf(Locale.ROOT, "WARMUP warmup_ms=%d model=%s method=%s port_answered_s=%s serving_s=%.1f "
                                + "first3s_fps=%.2f warm_fps=%.2f ratio=%.3f per_second=%s%n",
                        warmupMs, info.getName(), method, portAnswered(log), servingS, first, warm, first / warm,
                        perSecond.toString());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** From the replica's log: "listening" comes as soon as the port is open, before models load. */
    private static String portAnswered(String log) {
        return log.contains("listening on") && log.indexOf("listening on") < Math.max(0, log.indexOf("health SERVING"))
                ? "before_load" : "after_load";
    }

    private static long sum(AtomicLongArray a, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += a.get(i);
        }
        return s;
    }
}
