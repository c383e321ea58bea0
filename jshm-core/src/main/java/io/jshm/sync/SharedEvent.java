package io.jshm.sync;

import io.jshm.internal.Waiting;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

/**
 * An event in shared memory, as Windows events are: {@link #set()} signals it;
 * a {@linkplain Reset#MANUAL manual-reset} event releases every waiter and stays signalled until
 * {@link #reset()}; an {@linkplain Reset#AUTO auto-reset} event releases exactly one waiter and
 * resets itself as it does (if nobody waits, the next waiter passes at once).
 * {@snippet :
 * // process A
 * try (SharedEvent ready = SharedEvent.openOrCreate("frame-ready", SharedEvent.Reset.AUTO)) {
 *     // ... write a frame ...
 *     ready.set();
 * }
 * // process B
 * try (SharedEvent ready = SharedEvent.openOrCreate("frame-ready", SharedEvent.Reset.AUTO)) {
 *     if (ready.await(Duration.ofSeconds(1))) {
 *         // ... read the frame ...
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
 *  |          version (1)          |           kind (3)            |  4
 *  +-------------------------------+-------------------------------+
 *  |        state: 0 reset, 1 signalled (futex word)               |  8
 *  +---------------------------------------------------------------+
 *  |                  waiters (sleeping or about to)               | 12
 *  +---------------------------------------------------------------+
 *  |              reset: 0 manual, 1 auto                          | 16
 *  +---------------------------------------------------------------+
 *  |                      reserved (12 bytes)                      | 20..31
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>If another process shrinks the region under it ({@code ftruncate}), set, reset, isSet and await
 *       throw {@link io.jshm.RegionTruncatedException} instead of touching the lost page.</li>
 *   <li>Setting and awaiting a signalled event make no system call unless a waiter sleeps.</li>
 *   <li>An auto-reset event lets exactly one waiter through per {@link #set()} that finds it
 *       reset; setting a signalled event again does nothing (signals do not count up).</li>
 *   <li>Waits are interruptible and take timeouts. Thread-safe.</li>
 * </ul>
 */
public final class SharedEvent implements AutoCloseable {

    /** How an event resets. */
    public enum Reset {
        /** Stays signalled, releasing every waiter, until {@link SharedEvent#reset()}. */
        MANUAL,
        /** Releases exactly one waiter per signal and resets itself. */
        AUTO
    }

    /** Bytes an event occupies. */
    public static final int SIZE = 32;

    static final long STATE = 8;
    static final long WAITERS = 12;
    static final long RESET = 16;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Placement place;
    private final MemorySegment segment;
    private final long base;
    private final Reset reset;

    private SharedEvent(Placement place) {
        this.place = place;
        this.segment = place.segment();
        this.base = place.offset();
        this.reset = segment.get(ValueLayout.JAVA_INT, base + RESET) == 1 ? Reset.AUTO : Reset.MANUAL;
    }

    /**
     * Initialises a reset (not signalled) event at {@code offset} of {@code segment}.
     *
     * @throws IndexOutOfBoundsException if {@value #SIZE} bytes at {@code offset} do not fit
     * @throws IllegalArgumentException  if the address is not 8-byte aligned
     */
    public static SharedEvent initialize(MemorySegment segment, long offset, Reset reset) {
        Objects.requireNonNull(reset, "reset");
        Placement place = Placement.at(segment, offset, SIZE, SyncHeader.KIND_EVENT);
        init(segment, offset, reset);
        return new SharedEvent(place);
    }

    /**
     * Uses the event another process initialised at {@code offset}.
     *
     * @throws io.jshm.CorruptRegionException if there is no event there
     * @throws IndexOutOfBoundsException      if {@value #SIZE} bytes at {@code offset} do not fit
     */
    public static SharedEvent attach(MemorySegment segment, long offset) {
        Placement place = Placement.at(segment, offset, SIZE, SyncHeader.KIND_EVENT);
        SyncHeader.verify(segment, offset, SyncHeader.KIND_EVENT, place.label());
        return new SharedEvent(place);
    }

    /**
     * Opens the event in region {@code name}, creating a reset one of the given kind if needed (an
     * existing event keeps its own kind and state). {@link #close()} closes the region.
     *
     * @throws io.jshm.CorruptRegionException if the region holds something else
     * @throws io.jshm.JshmException          if the region cannot be opened or created
     */
    public static SharedEvent openOrCreate(String name, Reset reset) {
        Objects.requireNonNull(reset, "reset");
        return new SharedEvent(Placement.named(name, SIZE, SyncHeader.KIND_EVENT,
                (segment, offset) -> init(segment, offset, reset)));
    }

    private static void init(MemorySegment segment, long offset, Reset reset) {
        segment.asSlice(offset, SIZE).fill((byte) 0);
        segment.set(ValueLayout.JAVA_INT, offset + RESET, reset == Reset.AUTO ? 1 : 0);
        SyncHeader.publish(segment, offset, SyncHeader.KIND_EVENT);
    }

    /** {@return how this event resets} */
    public Reset resetKind() {
        return reset;
    }

    /** Signals the event, waking every waiter (manual reset) or one (auto reset). */
    public void set() {
        try {
            INT.getAndSet(segment, base + STATE, 1); // full fence: orders the store before the waiters read
            if ((int) INT.getVolatile(segment, base + WAITERS) != 0) {
                Waiting.wake(segment, base + STATE, reset == Reset.AUTO ? 1 : Integer.MAX_VALUE);
            }
        } catch (InternalError e) {
            throw place.fault("event set", e);
        }
    }

    /** Resets the event to not signalled. */
    public void reset() {
        try {
            INT.setVolatile(segment, base + STATE, 0);
        } catch (InternalError e) {
            throw place.fault("event reset", e);
        }
    }

    /** {@return whether the event is signalled now} */
    public boolean isSet() {
        try {
            return (int) INT.getVolatile(segment, base + STATE) == 1;
        } catch (InternalError e) {
            throw place.fault("event isSet", e);
        }
    }

    /**
     * Waits until the event is signalled (and, for auto reset, takes the signal).
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public void await() throws InterruptedException {
        await(Waiting.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for the event.
     *
     * @return true if the event was signalled (and, for auto reset, taken), false on timeout
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(Waiting.deadline(Objects.requireNonNull(timeout, "timeout")));
    }

    /** Closes the region this event opened by name; nothing otherwise. */
    @Override
    public void close() {
        place.close();
    }

    @Override
    public String toString() {
        return "SharedEvent[" + place.label() + ", " + reset + ", " + (isSet() ? "set" : "reset") + "]";
    }

    private boolean passed() {
        return reset == Reset.AUTO
                ? (int) INT.getVolatile(segment, base + STATE) == 1 // read first: see Atomics.compareAndSetInt
                        && INT.compareAndSet(segment, base + STATE, 1, 0)
                : (int) INT.getVolatile(segment, base + STATE) == 1;
    }

    private boolean await(long deadline) throws InterruptedException {
        try {
            return awaitUntil(deadline);
        } catch (InternalError e) {
            throw place.fault("event await", e);
        }
    }

    private boolean awaitUntil(long deadline) throws InterruptedException {
        for (int i = 0; i < Waiting.SPINS; i++) {
            if (passed()) {
                return true;
            }
            Thread.onSpinWait();
        }
        while (!passed()) {
            if (Waiting.expired(deadline)) {
                return false;
            }
            INT.getAndAdd(segment, base + WAITERS, 1);
            try {
                Waiting.sleep(segment, base + STATE, 0, deadline); // returns at once if already set
            } finally {
                INT.getAndAdd(segment, base + WAITERS, -1);
            }
        }
        return true;
    }
}
