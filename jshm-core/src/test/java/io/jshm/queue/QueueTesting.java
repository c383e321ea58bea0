package io.jshm.queue;

import io.jshm.testing.ChildGroup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * What the queue tests share: a group of {@link QueueChild} processes that are all killed on
 * close, and reading the queue header's fields.
 */
final class QueueTesting {
    private QueueTesting() {
    }

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** {@link QueueChild} processes started together and killed together on close. */
    static final class Group extends ChildGroup {
        Group() {
            super(QueueChild.class);
        }
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
