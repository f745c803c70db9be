package io.scorecam.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;

/**
 * Runs the CLI in-process and keeps what it printed. When a replay gives up on a silent server, the threads
 * of this JVM (client and in-process server alike) are dumped at that moment: a rare hang must leave evidence.
 */
record Cli(int exitCode, String out, String err, String threadsAtIdleTimeout) {
    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ScoreCamCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        String errText = err.toString(StandardCharsets.UTF_8);
        String threads = errText.contains("no answer from the server") ? threadDump() : "";
        return new Cli(code, out.toString(StandardCharsets.UTF_8), errText, threads);
    }

    /** Error output is for people: never a stack trace. */
    boolean errHasNoStackTrace() {
        return !err.contains("\tat ") && !err.contains("Exception in thread") && !err.contains("Caused by");
    }

    static String threadDump() {
        StringBuilder sb = new StringBuilder();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
            if (t.getLockName() != null) {
                sb.append(" on ").append(t.getLockName());
            }
            if (t.getLockOwnerName() != null) {
                sb.append(" owned by \"").append(t.getLockOwnerName()).append('"');
            }
            sb.append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("    ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err
                + (threadsAtIdleTimeout.isEmpty() ? "" : "--- threads when the replay gave up:\n" + threadsAtIdleTimeout);
    }
}
