package io.scorecam.server.inference;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Picks a batch size for one session on one device by measuring it: bigger batches are not faster on every
 * model and device (on CPU, MobileNetV2 peaks around 8), so no constant is right everywhere.
 *
 * <p>Each candidate gets warm-up runs (ORT plans memory per shape), then is timed over several rounds taken
 * in turn, so a burst of load from a neighbour hurts one round, not one candidate; the best round counts.
 * The smallest batch within {@code tolerance} of the fastest wins: smaller batches mean lower latency.
 *
 * <p>The whole tuning is bounded by a total budget, so a slow model (an fp32 ResNet at ~24 images/s on CPU)
 * cannot hold start-up for long: candidates go from small to large, a candidate whose predicted cost (its
 * batch times the time per image seen so far, for its warm-up and every round) no longer fits the budget is
 * skipped, and a round starts only if the previous one's length still fits. Every measured candidate gets
 * the same rounds, taken in turn, so the comparison stays fair when the budget cuts it short.
 */
public final class BatchSizeTuner {

    public static final List<Integer> DEFAULT_CANDIDATES = List.of(1, 2, 4, 8, 16, 32);

    /** One candidate's outcome; {@code error} is null when it ran. */
    public record Measurement(int batchSize, long timedRuns, double imagesPerSecond, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    public record Result(int bestBatchSize, List<Measurement> table) {
        /** The table as text, for the load-time log and benchmarks. */
        public String format() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%6s %12s %6s%n", "batch", "images/s", "runs"));
            for (Measurement m : table) {
                sb.append(m.ok()
                        ? String.format(Locale.ROOT, "%6d %12.1f %6d%s%n", m.batchSize(), m.imagesPerSecond(),
                                m.timedRuns(), m.batchSize() == bestBatchSize ? "  <- chosen" : "")
                        : String.format(Locale.ROOT, "%6d %12s %6s  %s%n", m.batchSize(), "-", "-", m.error()));
            }
            return sb.toString();
        }
    }

    private final Duration budgetPerCandidate;
    private final int warmupRuns;
    private final int rounds;
    private final double tolerance;
    private final Duration totalBudget;
    private final LongSupplier nanoClock;

    /**
     * @param budgetPerCandidate timed wall time per candidate, split over the rounds
     * @param tolerance          e.g. 0.05: a batch within 5% of the fastest counts as fast
     * @param nanoClock          System::nanoTime, or a fake clock in tests
     */
    public BatchSizeTuner(Duration budgetPerCandidate, int warmupRuns, int rounds, double tolerance, LongSupplier nanoClock) {
        this(budgetPerCandidate, warmupRuns, rounds, tolerance, budgetPerCandidate.multipliedBy(1000), nanoClock);
    }

    /** @param totalBudget the longest the whole tuning may take (the smallest candidate always runs once) */
    public BatchSizeTuner(Duration budgetPerCandidate, int warmupRuns, int rounds, double tolerance,
                          Duration totalBudget, LongSupplier nanoClock) {
        if (budgetPerCandidate.isNegative() || budgetPerCandidate.isZero() || warmupRuns < 0 || rounds < 1
                || tolerance < 0 || tolerance >= 1 || totalBudget.isNegative() || totalBudget.isZero()) {
            throw ScoreCamException.invalid("batch tuner needs positive budgets, rounds >= 1 and 0 <= tolerance < 1");
        }
        this.budgetPerCandidate = budgetPerCandidate;
        this.warmupRuns = warmupRuns;
        this.rounds = rounds;
        this.tolerance = tolerance;
        this.totalBudget = totalBudget;
        this.nanoClock = nanoClock;
    }

    /** 300 ms per candidate in 3 rounds after 2 warm-up runs, 5% tolerance: about 2 s for six candidates. */
    public static BatchSizeTuner defaults() {
        return defaults(Duration.ofSeconds(8));
    }

    /** {@link #defaults()} bounded by {@code totalBudget} (the server's --tune-budget-ms). */
    public static BatchSizeTuner defaults(Duration totalBudget) {
        return new BatchSizeTuner(Duration.ofMillis(300), 2, 3, 0.05, totalBudget, System::nanoTime);
    }

    /**
     * @param inputsForBatch builds the inputs of one run of the given batch size (called once per candidate)
     * @param outputs        the outputs a real run asks for (what is fetched costs time too)
     */
    public Result tune(InferenceSession session, IntFunction<Map<String, Tensor>> inputsForBatch,
                       List<String> outputs, List<Integer> candidates) {
        if (candidates.isEmpty()) {
            throw ScoreCamException.invalid("batch tuner needs at least one candidate batch size");
        }
        int n = candidates.size();
        List<Map<String, Tensor>> inputs = new ArrayList<>(n);
        String[] errors = new String[n];
        long[] runs = new long[n];
        double[] best = new double[n];
        long roundNanos = Math.max(1, budgetPerCandidate.toNanos() / rounds);
        long t0 = nanoClock.getAsLong();
        long total = totalBudget.toNanos();
        boolean tooSlow = false;
        double nanosPerImage = 0; // from the last warm-up: predicts what a larger candidate costs
        for (int i = 0; i < n; i++) {
            inputs.add(null);
            if (tooSlow) {
                errors[i] = "skipped: a smaller batch already took longer than the budget per run";
                continue;
            }
            int batch = candidates.get(i);
            // warm-up runs plus, per round, at least one run or the round's time
            double predicted = nanosPerImage * batch * warmupRuns
                    + rounds * Math.max(roundNanos, nanosPerImage * batch);
            if (i > 0 && nanoClock.getAsLong() - t0 + predicted > total) {
                errors[i] = "skipped: would not fit the tuning budget of " + totalBudget.toMillis() + " ms";
                continue;
            }
            try {
                inputs.set(i, inputsForBatch.apply(batch));
                long start = nanoClock.getAsLong();
                for (int w = 0; w < warmupRuns; w++) {
                    session.run(inputs.get(i), outputs);
                }
                long perRun = warmupRuns > 0 ? (nanoClock.getAsLong() - start) / warmupRuns : 0;
                nanosPerImage = Math.max(nanosPerImage, perRun / (double) batch);
                // a batch whose warm-up already blew the budget would make larger ones take minutes
                tooSlow = warmupRuns > 0 && perRun > budgetPerCandidate.toNanos();
            } catch (ScoreCamException e) {
                errors[i] = e.getMessage();
                inputs.set(i, null);
            }
        }
        long lastRound = 0;
        for (int r = 0; r < rounds; r++) {
            long roundStart = nanoClock.getAsLong();
            if (r > 0 && roundStart - t0 + lastRound > total) {
                break; // the rounds done so far were taken by every candidate alike
            }
            for (int i = 0; i < n; i++) {
                if (errors[i] == null) {
                    measureRound(session, inputs.get(i), outputs, candidates.get(i), roundNanos, i, runs, best, errors);
                }
            }
            lastRound = nanoClock.getAsLong() - roundStart;
        }
        return choose(candidates, runs, best, errors);
    }

    private void measureRound(InferenceSession session, Map<String, Tensor> in, List<String> outputs, int batch,
                              long roundNanos, int i, long[] runs, double[] best, String[] errors) {
        try {
            long start = nanoClock.getAsLong();
            long elapsed;
            long count = 0;
            do {
                session.run(in, outputs);
                count++;
                elapsed = nanoClock.getAsLong() - start;
            } while (elapsed < roundNanos);
            runs[i] += count;
            best[i] = Math.max(best[i], count * (double) batch * 1e9 / Math.max(1, elapsed));
        } catch (ScoreCamException e) {
            errors[i] = e.getMessage();
        }
    }

    private Result choose(List<Integer> candidates, long[] runs, double[] best, String[] errors) {
        double fastest = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (errors[i] == null) {
                fastest = Math.max(fastest, best[i]);
            }
        }
        List<Measurement> table = new ArrayList<>();
        int chosen = -1;
        for (int i = 0; i < candidates.size(); i++) {
            table.add(new Measurement(candidates.get(i), runs[i], errors[i] == null ? best[i] : 0, errors[i]));
            boolean fastEnough = errors[i] == null && best[i] >= fastest * (1 - tolerance);
            if (fastEnough && (chosen < 0 || candidates.get(i) < chosen)) {
                chosen = candidates.get(i);
            }
        }
        if (chosen < 0) {
            throw new ScoreCamException(ErrorCode.INTERNAL, "no candidate batch size could run: " + errors[0]);
        }
        return new Result(chosen, List.copyOf(table));
    }
}
