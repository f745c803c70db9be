package io.scorecam.loadtest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Samples the server's /metrics while a run goes on: the batch-queue depth every interval, and batch
 * sizes per kind as the difference between the first and the last scrape (so earlier runs do not count).
 */
public final class ServerSampler implements AutoCloseable {
    private static final String QUEUE_DEPTH = "scorecam_queue_depth";
    private static final String BATCH_SUM = "scorecam_batch_size_sum";
    private static final String BATCH_COUNT = "scorecam_batch_size_count";

    private final MetricsScraper scraper;
    private final Thread thread;
    private volatile boolean running = true;
    private Map<String, Double> first;
    private Map<String, Double> last;
    private double depthSum;
    private double depthMax;
    private int depthSamples;
    private String failure;

    public ServerSampler(String metricsUrl, long intervalMillis) {
        this.scraper = new MetricsScraper(metricsUrl);
        this.first = scrapeOrNull();
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                Map<String, Double> s = scrapeOrNull();
                if (s != null) {
                    sample(s);
                }
            }
        }, "metrics-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void sample(Map<String, Double> s) {
        double depth = MetricsScraper.sum(s, QUEUE_DEPTH);
        depthSum += depth;
        depthMax = Math.max(depthMax, depth);
        depthSamples++;
    }

    private Map<String, Double> scrapeOrNull() {
        try {
            return scraper.scrape();
        } catch (Exception e) {
            synchronized (this) {
                if (failure == null) {
                    failure = e.toString();
                }
            }
            return null;
        } 
    }

    /** Stops sampling and takes the last scrape. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
        last = scrapeOrNull();
        if (last != null) {
            sample(last);
        }
    }

    /** What the server reported over the run (call after {@link #close()}). */
    public synchronized ServerView view() {
        Map<String, Double> meanBatch = new LinkedHashMap<>();
        if (first != null && last != null) {
            Map<String, Double> sum0 = MetricsScraper.byKind(first, BATCH_SUM);
            Map<String, Double> count0 = MetricsScraper.byKind(first, BATCH_COUNT);
            Map<String, Double> sum1 = MetricsScraper.byKind(last, BATCH_SUM);
            Map<String, Double> count1 = MetricsScraper.byKind(last, BATCH_COUNT);
            for (String kind : sum1.keySet()) {
                double batches = count1.getOrDefault(kind, 0.0) - count0.getOrDefault(kind, 0.0);
                if (batches > 0) {
                    meanBatch.put(kind, (sum1.get(kind) - sum0.getOrDefault(kind, 0.0)) / batches);
                }
            }
        }
        return new ServerView(depthSamples == 0 ? 0 : depthSum / depthSamples, depthMax, depthSamples,
                meanBatch, failure);
    }

    /**
     * @param meanQueueDepth mean of the sampled batch-queue depths (masked items waiting)
     * @param maxQueueDepth  largest sampled depth
     * @param samples        how many scrapes succeeded
     * @param meanBatchSize  mean items per batch over the run, by batch kind
     * @param scrapeError    the first scrape failure, or null
     */
    public record ServerView(double meanQueueDepth, double maxQueueDepth, int samples,
                             Map<String, Double> meanBatchSize, String scrapeError) {
    }
}
