package io.jshm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM on the test class path, running a {@code main} class of the tests. Its stdout
 * is read line by line on a daemon thread; its stderr goes to a file shown when it fails.
 * Always close it (try-with-resources): close kills the process if it still runs, so no child
 * outlives its test.
 */
@SuppressWarnings("try") // close() waits for the process, so it may be interrupted
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder all = new StringBuilder();
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::pump, "child-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -cp <test class path> mainClass args...}. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return launch(List.of(), List.of(), mainClass, args);
    }

    /** Starts {@code java <jvmOptions> -cp <test class path> mainClass args...}. */
    public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, String... args) {
        return launch(List.of(), jvmOptions, mainClass, args);
    }

    /**
     * Starts the child as {@link #start} does, under another file-creation mask: a shell sets
     * {@code umask} (an octal string such as {@code "000"}) and then {@code exec}s the JVM, so
     * {@link #pid()} is the JVM's.
     */
    public static ChildJvm startWithUmask(String umask, Class<?> mainClass, String... args) {
        if (!umask.matches("[0-7]{1,4}")) {
            throw new IllegalArgumentException("umask must be octal digits, got " + umask);
        }
        return launch(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"), List.of(), mainClass, args);
    }

    private static ChildJvm launch(List<String> prefix, List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(javaBinary());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try {
            Path err = java.nio.file.Files.createTempFile("jshm-child-", ".err");
            err.toFile().deleteOnExit();
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            return new ChildJvm(p, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + mainClass.getName(), e);
        }
    }

    /** {@return the path of the java launcher running this JVM} */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Writes one line to the child's stdin. */
    public void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to child " + pid() + ": " + diagnostics(), e);
        }
    }

    /** {@return the next stdout line}, failing after the timeout */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no output from child " + pid() + " within " + timeout + "; " + diagnostics());
        }
        return line;
    }

    /** Waits for a stdout line equal to {@code expected}, failing after the timeout. */
    public void await(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child " + pid() + " did not print '" + expected + "' within " + timeout
                        + "; " + diagnostics());
            }
            if (line.equals(expected)) {
                return;
            }
        }
    }

    /** Waits for the child to exit. {@return its exit code}, failing after the timeout */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child " + pid() + " still running after " + timeout + "; " + diagnostics());
        }
        return process.exitValue();
    }

    /** Kills the child with SIGKILL ({@code kill -9}) and waits until it is gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** {@return everything the child printed so far, for failure messages} */
    public String diagnostics() {
        String out;
        synchronized (all) {
            out = all.toString();
        }
        String err;
        try {
            err = java.nio.file.Files.readString(stderr);
        } catch (IOException e) {
            err = "(unreadable)";
        }
        return "stdout:\n" + out + "stderr:\n" + err;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
        try {
            java.nio.file.Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // temp file
        }
    }
}
