package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.sync.Atomics;
import io.jshm.sync.SharedEvent;
import io.jshm.sync.SharedMutex;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hand-off latency of the synchronization primitives: the time from one side releasing (a mutex
 * unlock, an event set) to the other side, already waiting, getting through. Measured for
 * jshm's {@link SharedMutex} and {@link SharedEvent} across two processes, beside
 * {@link ReentrantLock} between two threads (the in-process floor) and {@link FileChannel#lock()}
 * between two processes (what Java offers across processes without jshm), interleaved in rounds
 * so that machine noise shifts all alike.
 *
 * <p>Protocol per iteration {@code i} (three sequence words in a shared control region):
 * the releaser holds the lock (locks only), publishes {@code i}; the waiter sees it, says it is
 * about to wait, and waits; the releaser lets it sleep 50 µs, stores {@code t0 = nanoTime()}
 * and releases; the waiter gets through, records {@code nanoTime() - t0} (one monotonic clock
 * for the whole host), releases, and publishes {@code i} as done.
 *
 * <p>Usage: {@code SyncBench [--iterations N] [--rounds R]}.
 */
public final class SyncBench {

    static final long MUTEX = 0;
    static final long EVENT = 64;
    static final long PARENT_SEQ = 256;
    static final long CHILD_SEQ = 384;
    static final long DONE_SEQ = 512;
    static final long T0 = 640;
    static final long LATENCIES = 4096;

    private static final List<String> TRANSPORTS =
            List.of("ReentrantLock (threads)", "FileChannel.lock", "SharedMutex", "SharedEvent");

    private SyncBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], args[2], Path.of(args[3]), Integer.parseInt(args[4]));
            return;
        }
        int iterations = intArg(args, "--iterations", 20_000);
        int rounds = intArg(args, "--rounds", 3);
        int warmup = Math.min(2_000, iterations / 5);
        Map<String, Histogram> results = new LinkedHashMap<>();
        for (String t : TRANSPORTS) {
            results.put(t, new Histogram(TimeUnit.SECONDS.toNanos(10), 3));
        }
        for (int round = 1; round <= rounds; round++) {
            for (String transport : TRANSPORTS) {
                System.err.printf("\rsync bench: round %d/%d, %-26s", round, rounds, transport);
                run(transport, iterations, warmup, results.get(transport));
            }
        }
        System.err.println();
        print(results, iterations, rounds);
    }

    private static void run(String transport, int iterations, int warmup, Histogram into) throws Exception {
        String name = "bench-sync-" + ProcessHandle.current().pid();
        try (SharedMemory control = SharedMemory.create(name, LATENCIES + 8L * (iterations + 1))) {
            MemorySegment s = control.segment();
            SharedMutex mutex = SharedMutex.initialize(s, MUTEX);
            SharedEvent event = SharedEvent.initialize(s, EVENT, SharedEvent.Reset.AUTO);
            Path lockFile = Files.createTempFile("jshm-bench-", ".lock");
            try {
                Side side = switch (transport) {
                    case "ReentrantLock (threads)" -> lockSide(new ReentrantLock());
                    case "FileChannel.lock" -> fileLockSide(lockFile);
                    case "SharedMutex" -> mutexSide(mutex);
                    default -> eventSide(event);
                };
                Thread thread = null;
                Process process = null;
                if (transport.startsWith("ReentrantLock")) {
                    Side waiter = side;
                    thread = Thread.ofPlatform().start(() -> waiterLoop(s, waiter, iterations));
                } else {
                    process = startChild(transport, name, lockFile, iterations);
                }
                releaserLoop(s, side, iterations, process);
                if (thread != null) {
                    thread.join();
                }
                if (process != null && process.waitFor() != 0) {
                    throw new IllegalStateException(transport + " child failed with exit code " + process.exitValue());
                }
                for (int i = warmup + 1; i <= iterations; i++) {
                    into.recordValue(Math.max(0, Atomics.getLong(s, LATENCIES + 8L * i)));
                }
                side.close();
            } finally {
                Files.deleteIfExists(lockFile);
            }
        }
    }

    /** One side's view of the primitive: hold (locks only), release, and wait to get through. */
    interface Side extends AutoCloseable {
        void hold() throws Exception;

        void release() throws Exception;

        void waitThrough() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    private static Side lockSide(ReentrantLock lock) {
        return new Side() {
            public void hold() {
                lock.lock();
            }

            public void release() {
                lock.unlock();
            }

            public void waitThrough() {
                lock.lock();
                lock.unlock();
            }
        };
    }

    private static Side mutexSide(SharedMutex mutex) {
        return new Side() {
            public void hold() throws InterruptedException {
                mutex.lock();
            }

            public void release() {
                mutex.unlock();
            }

            public void waitThrough() throws InterruptedException {
                mutex.lock();
                mutex.unlock();
            }
        };
    }

    private static Side eventSide(SharedEvent event) {
        return new Side() {
            public void hold() {
            }

            public void release() {
                event.set();
            }

            public void waitThrough() throws InterruptedException {
                event.await();
            }
        };
    }

    private static Side fileLockSide(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Side() {
            private FileLock held;

            public void hold() throws IOException {
                held = channel.lock();
            }

            public void release() throws IOException {
                held.release();
            }

            public void waitThrough() throws IOException {
                channel.lock().release();
            }

            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private static void releaserLoop(MemorySegment s, Side side, int iterations, Process child) throws Exception {
        for (int i = 1; i <= iterations; i++) {
            side.hold();
            Atomics.setLongRelease(s, PARENT_SEQ, i);           // pairs with getLongAcquire in waiterLoop
            spinUntil(s, CHILD_SEQ, i, child);
            long sleepUntil = System.nanoTime() + 50_000;        // let the waiter go past spinning, into its wait
            while (System.nanoTime() < sleepUntil) {
                Thread.onSpinWait();
            }
            Atomics.setLongRelease(s, T0, System.nanoTime());   // pairs with getLongAcquire in waiterLoop
            side.release();
            spinUntil(s, DONE_SEQ, i, child);
        }
    }

    static void waiterLoop(MemorySegment s, Side side, int iterations) {
        try {
            for (int i = 1; i <= iterations; i++) {
                spinUntil(s, PARENT_SEQ, i, null);
                Atomics.setLongRelease(s, CHILD_SEQ, i);
                side.waitThrough();
                long latency = System.nanoTime() - Atomics.getLongAcquire(s, T0);
                Atomics.setLong(s, LATENCIES + 8L * i, latency);
                Atomics.setLongRelease(s, DONE_SEQ, i);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void spinUntil(MemorySegment s, long offset, long value, Process child) {
        long spins = 0;
        while (Atomics.getLongAcquire(s, offset) != value) {
            Thread.onSpinWait();
            if ((++spins & 0xFFFFF) == 0 && child != null && !child.isAlive()) {
                throw new IllegalStateException("benchmark child exited early with code " + child.exitValue());
            }
        }
    }

    private static Process startChild(String transport, String control, Path lockFile, int iterations)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Jvm.java()));
        command.addAll(Jvm.options());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                SyncBench.class.getName(), "--child", transport, control, lockFile.toString(),
                Integer.toString(iterations)));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void child(String transport, String control, Path lockFile, int iterations) throws Exception {
        try (SharedMemory region = SharedMemory.open(control)) {
            MemorySegment s = region.segment();
            try (Side side = switch (transport) {
                case "FileChannel.lock" -> fileLockSide(lockFile);
                case "SharedMutex" -> mutexSide(SharedMutex.attach(s, MUTEX));
                default -> eventSide(SharedEvent.attach(s, EVENT));
            }) {
                waiterLoop(s, side, iterations);
            }
        }
    }

    private static void print(Map<String, Histogram> results, int iterations, int rounds) {
        Histogram fileLock = results.get("FileChannel.lock");
        Histogram threads = results.get("ReentrantLock (threads)");
        System.out.printf(Locale.ROOT, "Hand-off latency, waiter already sleeping; %d rounds x %d iterations, µs%n",
                rounds, iterations);
        System.out.printf(Locale.ROOT, "%-26s %8s %8s %8s %8s %9s %14s %16s%n",
                "transport", "p50", "p90", "p99", "p99.9", "max", "p50/threads", "p50/FileChannel");
        for (Map.Entry<String, Histogram> e : results.entrySet()) {
            Histogram h = e.getValue();
            System.out.printf(Locale.ROOT, "%-26s %8.1f %8.1f %8.1f %8.1f %9.1f %14.2f %16.2f%n", e.getKey(),
                    us(h, 50), us(h, 90), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0,
                    ratio(h, threads), ratio(h, fileLock));
        }
    }

    private static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double ratio(Histogram h, Histogram baseline) {
        return (double) h.getValueAtPercentile(50) / Math.max(1, baseline.getValueAtPercentile(50));
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
