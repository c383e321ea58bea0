package io.jshm.sync;

import io.jshm.internal.Waiting;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

/**
 * A counting semaphore in shared memory, usable from any number of processes.
 * {@snippet :
 * try (SharedSemaphore slots = SharedSemaphore.openOrCreate("gpu-slots", 2)) {
 *     if (slots.tryAcquire(Duration.ofSeconds(5))) {
 *         try {
 *             // ... use one of two slots ...
 *         } finally {
 *             slots.release();
 *         }
 *     }
 * }
 * }
 *
 * <h2>Layout</h2> ({@value #SIZE} bytes, 8-byte aligned; also in {@code docs/layout.md})
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  magic 0x4E59534A ("JSYN")                    |  0
 *  +-------------------------------+-------------------------------+
 *  |          version (1)          |           kind (2)            |  4
 *  +-------------------------------+-------------------------------+
 *  |               permits available (futex word, &gt;= 0)           |  8
 *  +---------------------------------------------------------------+
 *  |                  waiters (sleeping or about to)               | 12
 *  +---------------------------------------------------------------+
 *  |                 initial permits (informational)               | 16
 *  +---------------------------------------------------------------+
 *  |                      reserved (12 bytes)                      | 20..31
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>If another process shrinks the region under it ({@code ftruncate}), acquire, tryAcquire, release and availablePermits
 *       throw {@link io.jshm.RegionTruncatedException} instead of touching the lost page.</li>
 *   <li>Permits belong to nobody: any thread of any process may release. A process that dies
 *       holding permits does not give them back (as with every counting semaphore, Windows'
 *       included); use a {@link SharedMutex} when a dead holder must be detected.</li>
 *   <li>Acquire and release make no system call unless a waiter sleeps.</li>
 *   <li>Waits are interruptible and take timeouts. Thread-safe.</li>
 * </ul>
 */
public final class SharedSemaphore implements AutoCloseable {

    /** Bytes a semaphore occupies. */
    public static final int SIZE = 32;

    static final long PERMITS = 8;
    static final long WAITERS = 12;
    static final long INITIAL = 16;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Placement place;
    private final MemorySegment segment;
    private final long base;

    private SharedSemaphore(Placement place) {
        this.place = place;
        this.segment = place.segment();
        this.base = place.offset();
    }

    /**
     * Initialises a semaphore with {@code permits} permits at {@code offset} of {@code segment}.
     *
     * @throws IllegalArgumentException  if permits is negative, or the address is not 8-byte aligned
     * @throws IndexOutOfBoundsException if {@value #SIZE} bytes at {@code offset} do not fit
     */
    public static SharedSemaphore initialize(MemorySegment segment, long offset, int permits) {
        checkPermits(permits);
        Placement place = Placement.at(segment, offset, SIZE, SyncHeader.KIND_SEMAPHORE);
        init(segment, offset, permits);
        return new SharedSemaphore(place);
    }

    /**
     * Uses the semaphore another process initialised at {@code offset}.
     *
     * @throws io.jshm.CorruptRegionException if there is no semaphore there
     * @throws IndexOutOfBoundsException      if {@value #SIZE} bytes at {@code offset} do not fit
     */
    public static SharedSemaphore attach(MemorySegment segment, long offset) {
        Placement place = Placement.at(segment, offset, SIZE, SyncHeader.KIND_SEMAPHORE);
        SyncHeader.verify(segment, offset, SyncHeader.KIND_SEMAPHORE, place.label());
        return new SharedSemaphore(place);
    }

    /**
     * Opens the semaphore in region {@code name}, creating it with {@code permits} permits if
     * needed (an existing one keeps its count). {@link #close()} closes the region.
     *
     * @throws io.jshm.CorruptRegionException if the region holds something else
     * @throws io.jshm.JshmException          if the region cannot be opened or created
     */
    public static SharedSemaphore openOrCreate(String name, int permits) {
        checkPermits(permits);
        return new SharedSemaphore(Placement.named(name, SIZE, SyncHeader.KIND_SEMAPHORE,
                (segment, offset) -> init(segment, offset, permits)));
    }

    private static void checkPermits(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("a semaphore's permits cannot be negative: " + permits);
        }
    }

    private static void init(MemorySegment segment, long offset, int permits) {
        segment.asSlice(offset, SIZE).fill((byte) 0);
        segment.set(ValueLayout.JAVA_INT, offset + PERMITS, permits);
        segment.set(ValueLayout.JAVA_INT, offset + INITIAL, permits);
        SyncHeader.publish(segment, offset, SyncHeader.KIND_SEMAPHORE);
    }

    /**
     * Takes one permit, waiting as long as it takes.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        acquire(Waiting.FOREVER);
    }

    /** {@return true if a permit was taken, without waiting} */
    public boolean tryAcquire() {
        try {
            return takeOne();
        } catch (InternalError e) {
            throw place.fault("semaphore tryAcquire", e);
        }
    }

    private boolean takeOne() {
        while (true) {
            int available = permits();
            if (available <= 0) {
                return false;
            }
            if (INT.compareAndSet(segment, base + PERMITS, available, available - 1)) {
                return true;
            }
        }
    }

    /**
     * Takes one permit, waiting at most {@code timeout}.
     *
     * @return true if a permit was taken, false if the timeout passed
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return acquire(Waiting.deadline(Objects.requireNonNull(timeout, "timeout")));
    }

    /** Gives back one permit. */
    public void release() {
        release(1);
    }

    /**
     * Gives back {@code count} permits, waking as many waiters.
     *
     * @throws IllegalArgumentException if count is not positive, or the permits would overflow
     */
    public void release(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("release count must be positive: " + count);
        }
        try {
            giveBack(count);
        } catch (InternalError e) {
            throw place.fault("semaphore release", e);
        }
    }

    private void giveBack(int count) {
        while (true) {
            int available = permits();
            if (available > Integer.MAX_VALUE - count) {
                throw new IllegalArgumentException("releasing " + count + " permits would overflow the semaphore at "
                        + place.label() + " (" + available + " available)");
            }
            if (INT.compareAndSet(segment, base + PERMITS, available, available + count)) { // full fence
                break;
            }
        }
        if ((int) INT.getVolatile(segment, base + WAITERS) != 0) {
            Waiting.wake(segment, base + PERMITS, count);
        }
    }

    /** {@return the permits available now} */
    public int availablePermits() {
        try {
            return permits();
        } catch (InternalError e) {
            throw place.fault("semaphore availablePermits", e);
        }
    }

    /** Closes the region this semaphore opened by name; nothing otherwise. */
    @Override
    public void close() {
        place.close();
    }

    @Override
    public String toString() {
        return "SharedSemaphore[" + place.label() + ", permits=" + permits() + "]";
    }

    private boolean acquire(long deadline) throws InterruptedException {
        try {
            return acquireUntil(deadline);
        } catch (InternalError e) {
            throw place.fault("semaphore acquire", e);
        }
    }

    private boolean acquireUntil(long deadline) throws InterruptedException {
        for (int i = 0; i < Waiting.SPINS; i++) {
            if (takeOne()) {
                return true;
            }
            Thread.onSpinWait();
        }
        while (!takeOne()) {
            if (Waiting.expired(deadline)) {
                return false;
            }
            INT.getAndAdd(segment, base + WAITERS, 1);
            try {
                Waiting.sleep(segment, base + PERMITS, 0, deadline); // returns at once if permits != 0
            } finally {
                INT.getAndAdd(segment, base + WAITERS, -1);
            }
        }
        return true;
    }

    private int permits() {
        return (int) INT.getVolatile(segment, base + PERMITS);
    }
}
