package io.jshm.sync;

import io.jshm.internal.Liveness;
import io.jshm.internal.Waiting;
import io.jshm.internal.os.WaitOutcome;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A robust mutual-exclusion lock that lives in shared memory and works across processes: when
 * its owner dies holding it, the next locker gets it with {@link LockResult#OWNER_DIED} (as
 * Windows' {@code WAIT_ABANDONED} or POSIX's {@code EOWNERDEAD}) and can repair what the dead
 * owner left half-done. A dead owner never wedges the others.
 * {@snippet :
 * try (SharedMemory shm = SharedMemory.openOrCreate("jobs", 4096)) {
 *     SharedMutex mutex = shm.created()
 *             ? SharedMutex.initialize(shm.segment(), 0)
 *             : SharedMutex.attach(shm.segment(), 0);
 *     if (mutex.lock() == LockResult.OWNER_DIED) {
 *         // repair the data the mutex guards
 *     }
 *     try {
 *         // ... critical section ...
 *     } finally {
 *         mutex.unlock();
 *     }
 * }
 * }
 * Or, for processes that share nothing else, a mutex in a region of its own:
 * {@snippet :
 * try (SharedMutex mutex = SharedMutex.openOrCreate("jobs-lock")) {
 *     mutex.lock();
 *     try {
 *         // ...
 *     } finally {
 *         mutex.unlock();
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
 *  |          version (1)          |           kind (1)            |  4
 *  +-------------------------------+-------------------------------+
 *  |      owner: pid (high 32 bits) | thread token (low 32 bits)   |  8
 *  |                     0 when unlocked                           |
 *  +---------------------------------------------------------------+
 *  |       owner's process start time (0 while being recorded)     | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  wake sequence (futex word)                   | 24
 *  +---------------------------------------------------------------+
 *  |                  waiters (sleeping or about to)               | 28
 *  +---------------------------------------------------------------+
 *  |                owner-died recoveries (count)                  | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      reserved (24 bytes)                      | 40..63
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>If another process shrinks the region under it ({@code ftruncate}), lock, tryLock and unlock
 *       throw {@link io.jshm.RegionTruncatedException} instead of touching the lost page.</li>
 *   <li>Ownership is per thread: the owner is a (process, thread) pair. The lock is <b>not
 *       reentrant</b>: locking it again from the owning thread throws
 *       {@link IllegalStateException} instead of deadlocking. {@link #unlock()} by any other
 *       thread or process throws {@link IllegalMonitorStateException}.</li>
 *   <li>An owner is dead when its process has exited (its pid is gone, or now belongs to a
 *       process with another start time). A waiter notices within about 20 ms; a
 *       {@link #tryLock()} notices at once. Processes must share a pid namespace.</li>
 *   <li>Uncontended lock and unlock are one compare-and-set each and make no system call; a
 *       contended locker spins briefly, then sleeps on a futex; unlock calls the kernel only
 *       when a waiter sleeps.</li>
 *   <li>Waits are interruptible ({@link InterruptedException}) and take timeouts.</li>
 *   <li>A {@code SharedMutex} object is thread-safe; it holds no state of its own besides where
 *       the lock lives.</li>
 * </ul>
 */
public final class SharedMutex implements AutoCloseable {

    /** Bytes a mutex occupies. */
    public static final int SIZE = 64;

    static final long OWNER = 8;
    static final long OWNER_START = 16;
    static final long WAKE_SEQ = 24;
    static final long WAITERS = 28;
    static final long RECOVERIES = 32;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long MY_PID = Liveness.MY_PID;
    private static final long MY_START = Liveness.MY_START;

    private final Placement place;
    private final MemorySegment segment;
    private final long base;

    private SharedMutex(Placement place) {
        this.place = place;
        this.segment = place.segment();
        this.base = place.offset();
    }

    /**
     * Initialises an unlocked mutex at {@code offset} of {@code segment}. Do this once, in one
     * process, before others {@link #attach} it.
     *
     * @throws IndexOutOfBoundsException if {@value #SIZE} bytes at {@code offset} do not fit
     * @throws IllegalArgumentException  if the address is not 8-byte aligned
     */
    public static SharedMutex initialize(MemorySegment segment, long offset) {
        Placement place = Placement.at(segment, offset, SIZE, SyncHeader.KIND_MUTEX);
        init(segment, offset);
        return new SharedMutex(place);
    }

    /**
     * Uses the mutex another process initialised at {@code offset}.
     *
     * @throws io.jshm.CorruptRegionException if there is no mutex there (wrong magic, version or kind)
     * @throws IndexOutOfBoundsException      if {@value #SIZE} bytes at {@code offset} do not fit
     * @throws IllegalArgumentException       if the address is not 8-byte aligned
     */
    public static SharedMutex attach(MemorySegment segment, long offset) {
        Placement place = Placement.at(segment, offset, SIZE, SyncHeader.KIND_MUTEX);
        SyncHeader.verify(segment, offset, SyncHeader.KIND_MUTEX, place.label());
        return new SharedMutex(place);
    }

    /**
     * Opens the mutex in the region {@code name}, creating the region (until last close) and the
     * mutex if needed. {@link #close()} closes the region.
     *
     * @throws io.jshm.InvalidNameException   if the name breaks the naming rules
     * @throws io.jshm.CorruptRegionException if the region holds something else
     * @throws io.jshm.JshmException          if the region cannot be opened or created
     */
    public static SharedMutex openOrCreate(String name) {
        return new SharedMutex(Placement.named(name, SIZE, SyncHeader.KIND_MUTEX, SharedMutex::init));
    }

    private static void init(MemorySegment segment, long offset) {
        segment.asSlice(offset, SIZE).fill((byte) 0);
        SyncHeader.publish(segment, offset, SyncHeader.KIND_MUTEX);
    }

    /**
     * Acquires the lock, waiting as long as it takes.
     *
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} if the previous owner
     *         died holding it (the lock is held either way)
     * @throws InterruptedException  if the thread is interrupted while waiting
     * @throws IllegalStateException if this thread holds it already, or the region was closed
     */
    public LockResult lock() throws InterruptedException {
        try {
            return acquire(Waiting.FOREVER);
        } catch (InternalError e) {
            throw place.fault("mutex lock", e);
        }
    }

    /**
     * Acquires the lock if it is free, or held by an owner that died, without waiting.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED}, or
     *         {@link LockResult#NOT_ACQUIRED} if a live owner holds it
     * @throws IllegalStateException if this thread holds it already
     */
    public LockResult tryLock() {
        try {
            return tryLockOnce();
        } catch (InternalError e) {
            throw place.fault("mutex tryLock", e);
        }
    }

    private LockResult tryLockOnce() {
        long me = token();
        if (casOwner(0, me)) {
            return taken();
        }
        long owner = owner();
        checkNotMine(owner, me);
        if (owner != 0 && ownerDead(owner) && takeOver(owner, me)) {
            return recovered();
        }
        return casOwner(0, me) ? taken() : LockResult.NOT_ACQUIRED;
    }

    /**
     * Acquires the lock, waiting at most {@code timeout}.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED}, or
     *         {@link LockResult#NOT_ACQUIRED} if the timeout passed
     * @throws InterruptedException  if the thread is interrupted while waiting
     * @throws IllegalStateException if this thread holds it already, or the region was closed
     */
    public LockResult tryLock(Duration timeout) throws InterruptedException {
        long deadline = Waiting.deadline(Objects.requireNonNull(timeout, "timeout"));
        try {
            return acquire(deadline);
        } catch (InternalError e) {
            throw place.fault("mutex tryLock", e);
        }
    }

    /**
     * Releases the lock, waking one waiter if any sleeps.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        try {
            release();
        } catch (InternalError e) {
            throw place.fault("mutex unlock", e);
        }
    }

    private void release() {
        long me = token();
        long owner = owner();
        if (owner != me) {
            throw new IllegalMonitorStateException("unlock of a mutex at " + place.label() + " by a thread that does"
                    + " not hold it (owner: " + describeOwner(owner) + ")");
        }
        LONG.setOpaque(segment, base + OWNER_START, 0L);
        if (!casOwner(me, 0)) { // full fence: orders the release before the waiters read below
            throw new IllegalMonitorStateException("mutex at " + place.label() + " was taken over while this thread"
                    + " held it (its process was thought dead)");
        }
        if ((int) INT.getVolatile(segment, base + WAITERS) != 0) {
            INT.getAndAdd(segment, base + WAKE_SEQ, 1);
            Waiting.wake(segment, base + WAKE_SEQ, 1);
        }
    }

    /** {@return whether the calling thread holds the lock} */
    public boolean isHeldByCurrentThread() {
        return owner() == token();
    }

    /** {@return the pid of the process holding the lock, or empty if it is free} */
    public OptionalLong ownerPid() {
        long owner = owner();
        return owner == 0 ? OptionalLong.empty() : OptionalLong.of(owner >>> 32);
    }

    /** {@return whether the lock is held by an owner whose process has exited} */
    public boolean isOwnerDead() {
        long owner = owner();
        return owner != 0 && ownerDead(owner);
    }

    /** {@return how many times the lock was recovered from a dead owner, over its whole life} */
    public long recoveries() {
        return (long) LONG.getVolatile(segment, base + RECOVERIES);
    }

    /**
     * Closes the region this mutex opened by name ({@link #openOrCreate}); does nothing for a
     * mutex placed in a caller's segment. Does not unlock.
     */
    @Override
    public void close() {
        place.close();
    }

    @Override
    public String toString() {
        return "SharedMutex[" + place.label() + ", owner=" + describeOwner(owner()) + "]";
    }

    // ------------------------------------------------------------------ internals

    private LockResult acquire(long deadline) throws InterruptedException {
        long me = token();
        if (casOwner(0, me)) {
            return taken();
        }
        checkNotMine(owner(), me);
        for (int i = 0; i < Waiting.SPINS; i++) {
            Thread.onSpinWait();
            if (owner() == 0 && casOwner(0, me)) {
                return taken();
            }
        }
        boolean checkOwner = true;
        while (true) {
            long owner = owner();
            if (owner == 0) {
                if (casOwner(0, me)) {
                    return taken();
                }
                continue;
            }
            if (checkOwner && ownerDead(owner) && takeOver(owner, me)) {
                return recovered();
            }
            INT.getAndAdd(segment, base + WAITERS, 1);
            WaitOutcome outcome;
            try {
                int seq = (int) INT.getVolatile(segment, base + WAKE_SEQ);
                if (owner() == 0) {
                    continue; // released meanwhile; the finally below undoes the waiter count
                }
                outcome = Waiting.sleep(segment, base + WAKE_SEQ, seq, deadline);
            } finally {
                INT.getAndAdd(segment, base + WAITERS, -1);
            }
            if (Waiting.expired(deadline)) {
                return casOwner(0, me) ? taken() : LockResult.NOT_ACQUIRED;
            }
            // A dead owner never wakes us: look at the owner again after each sleep that ran out.
            checkOwner = outcome == WaitOutcome.TIMED_OUT;
        }
    }

    private LockResult taken() {
        LONG.setOpaque(segment, base + OWNER_START, MY_START);
        return LockResult.ACQUIRED;
    }

    /**
     * Takes the lock from {@code deadOwner}. The dead owner's start time is cleared first: until
     * {@link #recovered()} records ours, a peer reading our token with the dead owner's start time
     * would find them mismatched, think us dead too, and take the lock from us.
     */
    private boolean takeOver(long deadOwner, long me) {
        long deadStart = (long) LONG.getVolatile(segment, base + OWNER_START);
        if (owner() != deadOwner) {
            return false; // taken over by another meanwhile; deadStart may be theirs
        }
        // Fails, harmlessly, if a rival taking over too has cleared it or recorded its own.
        LONG.compareAndSet(segment, base + OWNER_START, deadStart, 0L);
        return casOwner(deadOwner, me);
    }

    private LockResult recovered() {
        LONG.setOpaque(segment, base + OWNER_START, MY_START);
        LONG.getAndAdd(segment, base + RECOVERIES, 1L);
        return LockResult.OWNER_DIED;
    }

    private void checkNotMine(long owner, long me) {
        if (owner == me) {
            throw new IllegalStateException("mutex at " + place.label() + " is already held by this thread"
                    + " (SharedMutex is not reentrant)");
        }
    }

    private boolean ownerDead(long owner) {
        long recordedStart = (long) LONG.getOpaque(segment, base + OWNER_START);
        if (owner() != owner) {
            return false; // changed hands while we looked
        }
        // A thread of ours is never a dead process; a recorded 0 means "being written", and then
        // only a gone pid means dead.
        return Liveness.isDead(owner >>> 32, recordedStart);
    }

    private long owner() {
        return (long) LONG.getVolatile(segment, base + OWNER);
    }

    private boolean casOwner(long expected, long value) {
        // Read first: a CAS run by the interpreter on a page another process truncated away
        // crashes the JVM (HotSpot does not guard it), while a read throws InternalError.
        return owner() == expected && LONG.compareAndSet(segment, base + OWNER, expected, value);
    }

    private static long token() {
        return (MY_PID << 32) | (Thread.currentThread().threadId() & 0xFFFF_FFFFL);
    }

    private static String describeOwner(long owner) {
        return owner == 0 ? "none" : "pid " + (owner >>> 32) + " thread " + (owner & 0xFFFF_FFFFL);
    }
}
