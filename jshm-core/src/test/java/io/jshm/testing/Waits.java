package io.jshm.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting in tests: always for a condition, with a timeout that fails the test; never a fixed sleep. */
public final class Waits {
    private Waits() {
    }

    /** How long a child JVM may take to start and say its first line on a loaded two-core machine. */
    public static final Duration STARTUP = Duration.ofSeconds(30);

    /** Waits until the child exits with status 0, failing with its output otherwise. */
    public static void awaitSuccess(ChildJvm child, Duration timeout) throws InterruptedException {
        int status = child.waitFor(timeout);
        if (status != 0) {
            throw new AssertionError("child " + child.pid() + " exited with " + status + "; " + child.diagnostics());
        }
    }

    /** {@return the child's next stdout line, or null if none comes within the timeout} */
    public static String poll(ChildJvm child, Duration timeout) throws InterruptedException {
        try {
            return child.nextLine(timeout);
        } catch (AssertionError none) {
            return null;
        }
    }

    /** {@return the child's next line that starts with {@code prefix}}, failing after the timeout */
    public static String lineStartingWith(ChildJvm child, String prefix, Duration timeout) throws InterruptedException {
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
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        awaitCondition(what, timeout, condition, () -> "");
    }

    /** As {@link #awaitCondition(String, Duration, BooleanSupplier)}; the failure tells {@code state}. */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state)
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

    /** {@return milliseconds since {@code startNanos}} */
    public static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
