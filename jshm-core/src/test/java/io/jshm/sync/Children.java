package io.jshm.sync;

import io.jshm.testing.ChildJvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A group of {@link SyncChild} processes that are started together and all killed on close, and
 * the waiting helpers the sync tests share. Nothing here sleeps a fixed time: every wait is for a
 * condition, with a timeout that fails the test.
 */
final class Children implements AutoCloseable {

    /** How long a child JVM may take to start and say READY on a loaded two-core machine. */
    static final Duration STARTUP = Duration.ofSeconds(30);

    private final List<ChildJvm> all = new ArrayList<>();

    /** Starts {@code count} children; {@code args.apply(i)} gives the arguments of child i. */
    static Children start(int count, IntFunction<String[]> args) {
        Children children = new Children();
        try {
            for (int i = 0; i < count; i++) {
                children.launch(args.apply(i));
            }
            return children;
        } catch (RuntimeException | Error e) {
            children.closeQuietly(e);
            throw e;
        }
    }

    /** An empty group; {@link #launch} adds to it. */
    Children() {
    }

    /** Starts one {@link SyncChild} in this group, which kills it on close. */
    ChildJvm launch(String... args) {
        return launchWith(List.of(), args);
    }

    /** As {@link #launch}, with extra JVM options. */
    ChildJvm launchWith(List<String> jvmOptions, String... args) {
        ChildJvm child = ChildJvm.start(jvmOptions, SyncChild.class, args);
        all.add(child);
        return child;
    }

    List<ChildJvm> list() {
        return all;
    }

    /** Waits until every child has printed {@code line}. */
    void awaitAll(String line, Duration timeout) throws InterruptedException {
        for (ChildJvm child : all) {
            child.await(line, timeout);
        }
    }

    /** Sends {@code line} to every child. */
    void sendAll(String line) {
        for (ChildJvm child : all) {
            child.send(line);
        }
    }

    /** Waits until every child has exited with status 0. */
    void awaitExit(Duration timeout) throws InterruptedException {
        for (ChildJvm child : all) {
            int status = child.waitFor(timeout);
            if (status != 0) {
                throw new AssertionError("child " + child.pid() + " exited with " + status + "; "
                        + child.diagnostics());
            }
        }
    }

    /** Kills every child still running; keeps the thread's interrupt status. */
    @Override
    public void close() {
        closeQuietly(null);
    }

    private void closeQuietly(Throwable primary) {
        for (ChildJvm child : all) {
            try {
                child.close();
            } catch (InterruptedException | RuntimeException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------------ waiting

    /** {@return the child's next stdout line, or null if none comes within the timeout} */
    static String poll(ChildJvm child, Duration timeout) throws InterruptedException {
        try {
            return child.nextLine(timeout);
        } catch (AssertionError none) {
            return null;
        }
    }

    /** Waits until {@code condition} holds, checking every millisecond or so; fails after the timeout. */
    static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        awaitCondition(what, timeout, condition, () -> "");
    }

    /** As {@link #awaitCondition(String, Duration, BooleanSupplier)}; the failure tells {@code state}. */
    static void awaitCondition(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what + " " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (Thread.interrupted()) {
                throw new InterruptedException("while waiting until " + what);
            }
        }
    }

    /** {@return milliseconds since {@code startNanos}} */
    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
