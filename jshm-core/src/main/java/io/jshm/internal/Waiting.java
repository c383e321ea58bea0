package io.jshm.internal;

import io.jshm.internal.os.Platform;
import io.jshm.internal.os.WaitOutcome;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sleeping on a 32-bit word of shared memory, in slices: between slices a waiter notices
 * interruption, a closed region, and (for the mutex) an owner that died. The slow path only: hot
 * paths spin or succeed without calling here.
 */
public final class Waiting {
    private Waiting() {
    }

    /** No deadline: wait until woken. */
    public static final long FOREVER = Long.MAX_VALUE;
    /** The longest single sleep; bounds how late interruption and dead owners are noticed. */
    public static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Spins before sleeping, since most hand-offs are shorter than a system call. */
    public static final int SPINS = 128;

    private static final Platform PLATFORM = Platform.current();

    /** {@return the deadline for a timeout, {@link #FOREVER} for none} */
    public static long deadline(Duration timeout) {
        if (timeout == null) {
            return FOREVER;
        }
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        long now = System.nanoTime();
        return nanos >= FOREVER - now ? FOREVER : now + nanos;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return FOREVER;
        }
    }

    public static boolean expired(long deadline) {
        return deadline != FOREVER && System.nanoTime() - deadline >= 0;
    }

    /**
     * Sleeps while the word at {@code offset} holds {@code expected}: one slice at most, less if
     * the deadline is nearer.
     *
     * @return how the sleep ended; {@link WaitOutcome#TIMED_OUT} at once if the deadline passed
     * @throws InterruptedException  if the thread is interrupted, before or during the sleep
     * @throws IllegalStateException if the region was closed
     */
    public static WaitOutcome sleep(MemorySegment segment, long offset, int expected, long deadline)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long left = deadline == FOREVER ? SLICE_NANOS : Math.min(SLICE_NANOS, deadline - System.nanoTime());
        if (left <= 0) {
            return WaitOutcome.TIMED_OUT;
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the region was closed while a thread waited on it");
        }
        WaitOutcome outcome = PLATFORM.await(segment.address() + offset, expected, left);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return outcome;
    }

    /** Wakes up to {@code count} sleepers on the word at {@code offset}, in any process. */
    public static void wake(MemorySegment segment, long offset, int count) {
        PLATFORM.wake(segment.address() + offset, count);
    }
}
