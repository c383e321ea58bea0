package io.jshm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A non-Java child process (python3, a compiled C program) with its stdout read line by line and
 * stderr merged into it. Close it (try-with-resources): close kills it if it still runs.
 */
@SuppressWarnings("try") // close() waits for the process, so it may be interrupted
public final class ExternalProcess implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder all = new StringBuilder();
    private final Thread reader;

    private ExternalProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "external-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the command, stderr merged into stdout. */
    public static ExternalProcess start(List<String> command) {
        try {
            return new ExternalProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Runs a command to its end. {@return its exit code and output}
     *
     * @throws AssertionError if it runs past the timeout (it is killed)
     */
    public static Result run(Duration timeout, List<String> command) throws InterruptedException {
        try (ExternalProcess p = start(command)) {
            int code = p.waitFor(timeout);
            return new Result(code, p.output());
        }
    }

    /** {@return whether a command can run at all and exits 0 within a few seconds} */
    public static boolean available(String... command) {
        try {
            return run(Duration.ofSeconds(20), List.of(command)).code() == 0;
        } catch (RuntimeException | InterruptedException | AssertionError e) {
            return false;
        }
    }

    /** The end of a finished command. */
    public record Result(int code, String output) {
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (all) {
                    all.append(line).append('\n');
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // process gone
        } finally {
            lines.add(EOF);
        }
    }

    /** Marks the end of the output in {@link #lines}; compared by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String EOF = new String("<eof>");

    public long pid() {
        return process.pid();
    }

    /** Writes one line to its stdin. */
    public void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to process " + pid() + ": " + output(), e);
        }
    }

    /** Waits for a line equal to {@code expected}; fails after the timeout or when output ends. */
    public void await(String expected, Duration timeout) throws InterruptedException {
        String line = awaitPrefix(expected, timeout);
        if (!line.equals(expected)) {
            throw new AssertionError("process " + pid() + " printed '" + line + "', expected '" + expected + "'");
        }
    }

    /** {@return the first line starting with {@code prefix}}; fails after the timeout or when output ends */
    public String awaitPrefix(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line == EOF) {
                throw new AssertionError("process " + pid() + " did not print '" + prefix + "...' within " + timeout
                        + (line == null ? "" : " (its output ended)") + "; output:\n" + output());
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /**
     * Waits for the process to exit and for its output to be read to the end (what it printed last
     * may still be in the pipe when it exits). {@return its exit code}, failing after the timeout
     */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process " + pid() + " still running after " + timeout + "; output:\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** {@return everything it printed so far} */
    public String output() {
        synchronized (all) {
            return all.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
