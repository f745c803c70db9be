package io.scorecam.cli.source;

import io.scorecam.cli.errors.CliException;

/**
 * A live source read by its own thread as fast as it produces; the sender takes the newest frame and frames
 * it did not take in time are dropped (counted), like the server's LATEST policy, so a slow server never
 * makes the camera's frames pile up. Memory: one decoded frame waiting. An FFmpeg generator (lavfi) has no
 * clock of its own and is paced at its frame rate, as a camera would be.
 */
final class LiveStream extends DecodedStream {
    private final SourceSpec spec;
    private final Thread reader;
    /** Set when the sender first asks: the source is opened early (to fail fast) but read only once sending starts. */
    private volatile long startNanos;

    private FfmpegDecoder.Picture newest;
    private boolean ended;
    private CliException failure;
    private long dropped;
    private int sent;

    LiveStream(SourceSpec spec, FfmpegDecoder decoder, Selection selection, FrameEncoding encoding) {
        super(decoder, selection, encoding);
        this.spec = spec;
        this.reader = new Thread(this::read, "scorecam-source");
        reader.setDaemon(true);
    }

    private void read() {
        boolean pace = spec.kind() == SourceSpec.Kind.LAVFI && decoder.frameRate() > 0;
        double firstPts = Double.NaN;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                FfmpegDecoder.Picture p = decoder.next();
                if (p == null) {
                    break;
                }
                if (Double.isNaN(firstPts)) {
                    firstPts = p.ptsSeconds();
                }
                if (pace) {
                    long due = startNanos + (long) ((p.ptsSeconds() - firstPts) * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                if (selection.durationSeconds() > 0 && elapsedSeconds() >= selection.durationSeconds()) {
                    break;
                }
                if (!selection.keeps(p.decodedIndex())) {
                    continue;
                }
                offer(p);
            }
        } catch (InterruptedException e) {
            // closed by the sender
        } catch (CliException e) {
            synchronized (this) {
                failure = e;
            }
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void offer(FfmpegDecoder.Picture p) {
        if (newest != null) {
            dropped++;
        }
        newest = p;
        notifyAll();
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public Frame next() throws InterruptedException {
        FfmpegDecoder.Picture p;
        synchronized (this) {
            if (startNanos == 0) {
                // --duration counts from here, not from opening (the server may take seconds to start)
                startNanos = System.nanoTime();
                reader.start();
            }
            while (newest == null && !ended) {
                wait();
            }
            if (newest == null) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            if (selection.limit() > 0 && sent >= selection.limit()) {
                return null;
            }
            p = newest;
            newest = null;
        }
        return encoding.frame(sent++, p.decodedIndex(), p.image(), p.ptsSeconds());
    }

    @Override
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        if (!reader.isAlive()) {
            decoder.close();
            return;
        }
        reader.interrupt();
        try {
            reader.join(5_000); // a blocked camera read returns within FFmpeg's own timeouts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        decoder.close();
    }
}
