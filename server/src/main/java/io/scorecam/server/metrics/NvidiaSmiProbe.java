package io.scorecam.server.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads GPU memory and utilisation from {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits}.
 * nvidia-smi ships with the NVIDIA driver and is mounted into containers that ask for the {@code utility}
 * capability (Dockerfile.cuda sets {@code NVIDIA_DRIVER_CAPABILITIES=compute,utility}); it reads NVML, so
 * memory and utilisation come from one source without native bindings in the JVM. A hung or missing tool
 * fails the reading, never the server.
 */
public final class NvidiaSmiProbe implements GpuProbe {
    /** Fields in the order they are parsed; the name goes last because it is free text. */
    static final String QUERY = "--query-gpu=index,memory.used,memory.total,utilization.gpu,name";
    private static final double MIB = 1024.0 * 1024.0;

    private final String command;
    private final Duration timeout;

    public NvidiaSmiProbe(String command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    @Override
    public List<GpuSample> sample() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command, QUERY, "--format=csv,noheader,nounits")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            // the answer is a line per GPU, far below a pipe's buffer, so waiting first cannot deadlock
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(command + " did not answer within " + timeout.toMillis() + " ms");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(command + " exited with " + p.exitValue() + ": " + firstLine(out));
            }
            return parse(out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Parses the CSV lines: {@code 0, 1234, 15360, 17, Tesla T4} (MiB, MiB, percent). */
    static List<GpuSample> parse(String csv) throws IOException {
        List<GpuSample> samples = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", 5);
            if (f.length < 4) {
                throw new IOException("unexpected nvidia-smi line '" + line.strip() + "'");
            }
            try {
                int index = Integer.parseInt(f[0].strip());
                String name = f.length == 5 ? f[4].strip() : "";
                samples.add(new GpuSample(index, name, number(f[1]) * MIB, number(f[2]) * MIB, number(f[3]) / 100.0));
            } catch (NumberFormatException e) {
                throw new IOException("unexpected nvidia-smi line '" + line.strip() + "'", e);
            }
        }
        return samples;
    }

    /** A number, or NaN for what the driver cannot tell: {@code [N/A]}, {@code [Not Supported]}. */
    private static double number(String field) {
        String s = field.strip();
        return s.startsWith("[") ? Double.NaN : Double.parseDouble(s);
    }

    private static String firstLine(String out) {
        String s = out.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String toString() {
        return command;
    }
}
