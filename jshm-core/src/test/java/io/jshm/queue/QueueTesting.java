package io.jshm.queue;

import io.jshm.testing.ChildJvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the queue tests share: a group of {@link QueueChild} processes that are all killed on
 * close, waiting for a condition (never a fixed sleep), and reading the queue header's fields.
 */
final class QueueTesting {
    private QueueTesting() {
    }

    /** How long a child JVM may take to start and say its first line on a loaded two-core machine. */
    static final Duration STARTUP = Duration.ofSeconds(30);

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** Child processes started together and killed together on close, so none outlives its test. */
    @SuppressWarnings("try") // close() waits for the processes, so it may be interrupted
    static final class Group implements AutoCloseable {
        private final List<ChildJvm> all = new ArrayList<>();

        /** Starts one {@link QueueChild} with these arguments. */
        ChildJvm start(String... args) {
            ChildJvm child = ChildJvm.start(QueueChild.class, args);
            all.add(child);
            return child;
        }

        List<ChildJvm> list() {
            return all;
        }

        void awaitAll(String line, Duration timeout) throws InterruptedException {
            for (ChildJvm child : all) {
                child.await(line, timeout);
            }
        }

        void sendAll(String line) {
            for (ChildJvm child : all) {
                child.send(line);
            }
        }

        /** Fails with the child's output if a child has exited with a status other than 0. */
        void checkNoneFailed() {
            for (ChildJvm child : all) {
                Process p = child.process();
                if (!p.isAlive() && p.exitValue() != 0) {
                    throw new AssertionError("child " + child.pid() + " exited with " + p.exitValue() + "; "
                            + child.diagnostics());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            InterruptedException interrupted = null;
            for (ChildJvm child : all) {
                try {
                    child.close();
                } catch (InterruptedException e) {
                    interrupted = e;
                }
            }
            if (interrupted != null) {
                throw interrupted;
            }
        }
    }

    /** Waits until the child exits with status 0, failing with its output otherwise. */
    static void awaitSuccess(ChildJvm child, Duration timeout) throws InterruptedException {
        int status = child.waitFor(timeout);
        if (status != 0) {
            throw new AssertionError("child " + child.pid() + " exited with " + status + "; " + child.diagnostics());
        }
    }

    /** {@return the child's next line that starts with {@code prefix}}, failing after the timeout */
    static String lineStartingWith(ChildJvm child, String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = child.nextLine(Duration.ofNanos(Math.max(left, 1)));
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits until {@code condition} holds, checking every millisecond or so; fails after the timeout. */
    static void awaitCondition(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what + "; " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (Thread.interrupted()) {
                throw new InterruptedException("while waiting until " + what);
            }
        }
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** {@return the 32-bit header field at {@code offset} (see {@link QueueLayout}), read volatile} */
    static int intField(MemorySegment region, long offset) {
        return (int) INT.getVolatile(region, offset);
    }

    /** {@return the 64-bit header field at {@code offset}, read volatile} */
    static long longField(MemorySegment region, long offset) {
        return (long) LONG.getVolatile(region, offset);
    }

    /** {@return the seed of a randomised test: {@code -Djshm.seed} if set, else a fresh one} Printed. */
    static long seed(String test) {
        String fixed = System.getProperty("jshm.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : java.util.concurrent.ThreadLocalRandom.current().nextLong();
        System.out.println("[seed] " + test + ": " + seed + " (rerun with -Djshm.seed=" + seed + ")");
        System.out.flush();
        return seed;
    }
}
