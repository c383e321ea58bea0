package io.jshm.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVMs of one main class, started together and all killed on close, so that none outlives
 * its test. Each test package extends it with its own child main.
 */
public class ChildGroup implements AutoCloseable {

    private final Class<?> mainClass;
    private final List<ChildJvm> all = new ArrayList<>();

    protected ChildGroup(Class<?> mainClass) {
        this.mainClass = mainClass;
    }

    /** Starts one child with these arguments; the group kills it on close. */
    public ChildJvm launch(String... args) {
        return launchWith(List.of(), args);
    }

    /** As {@link #launch}, with extra JVM options. */
    public ChildJvm launchWith(List<String> jvmOptions, String... args) {
        ChildJvm child = ChildJvm.start(jvmOptions, mainClass, args);
        all.add(child);
        return child;
    }

    public List<ChildJvm> list() {
        return all;
    }

    /** Waits until every child has printed {@code line}. */
    public void awaitAll(String line, Duration timeout) throws InterruptedException {
        for (ChildJvm child : all) {
            child.await(line, timeout);
        }
    }

    /** Sends {@code line} to every child. */
    public void sendAll(String line) {
        for (ChildJvm child : all) {
            child.send(line);
        }
    }

    /** Waits until every child has exited with status 0, failing with its output otherwise. */
    public void awaitExit(Duration timeout) throws InterruptedException {
        for (ChildJvm child : all) {
            Waits.awaitSuccess(child, timeout);
        }
    }

    /** Fails with the child's output if a child has exited with a status other than 0. */
    public void checkNoneFailed() {
        for (ChildJvm child : all) {
            Process p = child.process();
            if (!p.isAlive() && p.exitValue() != 0) {
                throw new AssertionError("child " + child.pid() + " exited with " + p.exitValue() + "; "
                        + child.diagnostics());
            }
        }
    }

    /** Kills every child still running; keeps the thread's interrupt status. */
    @Override
    public void close() {
        closeQuietly(null);
    }

    /** Kills every child, adding what goes wrong to {@code primary} (if any). */
    protected void closeQuietly(Throwable primary) {
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
}
