package io.jshm.queue;

/**
 * How a blocking {@code send} or {@code receive} waits while the queue is full or empty. The
 * caller picks it per call:
 * <ul>
 *   <li>{@link #BUSY_SPIN}: never leaves the CPU; the lowest latency, one core per waiter.</li>
 *   <li>{@link #SPIN_THEN_YIELD}: spins briefly, then yields the CPU between checks.</li>
 *   <li>{@link #PARK}: spins briefly, then sleeps on a futex until the peer wakes it; costs
 *       nothing while idle. A peer calls the kernel to wake it only while somebody is asleep.</li>
 * </ul>
 */
public enum WaitStrategy {
    /** Spin with {@link Thread#onSpinWait()}. */
    BUSY_SPIN,
    /** Spin, then {@link Thread#yield()}. */
    SPIN_THEN_YIELD,
    /** Spin, then sleep on a futex until woken. */
    PARK
}
