package io.jshm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** How the harness starts its children: pinned to a core with {@code taskset} where it can, output to files. */
final class Processes {
    private Processes() {
    }

    /** Decided once, before anything is pinned: taskset exists and there are two cores to pin to. */
    static final boolean TASKSET = Files.isExecutable(Path.of("/usr/bin/taskset"))
            && Runtime.getRuntime().availableProcessors() >= 2;

    /** {@return {@code command} run on core {@code cpu} only, where taskset exists} */
    static List<String> pinned(int cpu, List<String> command) {
        List<String> all = new ArrayList<>();
        if (TASKSET) {
            all.addAll(List.of("/usr/bin/taskset", "-c", Integer.toString(cpu)));
        }
        all.addAll(command);
        return all;
    }

    /** {@return a command that runs {@link Child} in a fresh JVM with the benchmark JVM options} */
    static List<String> javaChild(String... args) {
        return javaMain(Child.class, args);
    }

    /** {@return a command that runs {@code main} of this jar in a fresh JVM with the benchmark JVM options} */
    static List<String> javaMain(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Jvm.java());
        command.addAll(Jvm.options());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A started child, its output going to files in the run's work directory. */
    record Running(String label, Process process, Path stdout, Path stderr) {
        /**
         * Waits for it to end. {@return its stdout}
         *
         * @throws IOException if it fails or outlives {@code timeoutSeconds} (it is then killed),
         *                     with the end of its stderr
         */
        String finish(long timeoutSeconds) throws IOException, InterruptedException {
            boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!ended) {
                kill();
            }
            String err = Files.exists(stderr) ? Files.readString(stderr) : "";
            if (!ended || process.exitValue() != 0) {
                String tail = err.length() > 2000 ? err.substring(err.length() - 2000) : err;
                throw new IOException(label + (ended ? " exited with " + process.exitValue()
                        : " still running after " + timeoutSeconds + " s, killed") + (tail.isBlank() ? "" : ": " + tail.strip()));
            }
            return Files.readString(stdout);
        }

        void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Children still running. On shutdown (Ctrl-C, SIGTERM) a hook stops new starts, kills them,
     * and runs the {@link #atShutdown} clean-ups, so an interrupted run leaves no spinning process
     * and no region behind.
     */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final List<Runnable> CLEANUPS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static volatile boolean stopping;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::stopAll, "bench-shutdown"));
    }

    private static void stopAll() {
        stopping = true;
        LIVE.forEach(Process::destroyForcibly);
        for (Process p : LIVE) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                break;
            }
        }
        CLEANUPS.forEach(Runnable::run);
    }

    /** Runs {@code cleanup} if the JVM is stopped before {@link #done} is called with it. */
    static void atShutdown(Runnable cleanup) {
        CLEANUPS.add(cleanup);
    }

    /** The run ended normally: {@code cleanup} need not run at shutdown. */
    static void done(Runnable cleanup) {
        CLEANUPS.remove(cleanup);
    }

    static Running start(String label, List<String> command, Path dir) throws IOException {
        if (stopping) {
            throw new IOException("stopping: " + label + " not started");
        }
        Path out = Files.createTempFile(dir, "child-", ".out");
        Path err = Files.createTempFile(dir, "child-", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
        return new Running(label, p, out, err);
    }

    /** Runs a command to its end. {@return its stdout} */
    static String run(String label, List<String> command, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Running r = start(label, command, dir);
        try {
            return r.finish(timeoutSeconds);
        } finally {
            if (r.process().isAlive()) {
                r.kill();
            }
        }
    }

    /** {@return whether {@code command} runs and exits 0 within 20 s} */
    static boolean available(Path dir, String... command) {
        try {
            run(command[0], List.of(command), dir, 20);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
