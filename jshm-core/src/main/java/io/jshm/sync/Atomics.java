package io.jshm.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Typed atomic access to {@code int} and {@code long} fields at an offset of a memory segment,
 * usually a region shared with other processes. Thin, allocation-free helpers over the
 * {@link VarHandle}s of {@link ValueLayout#JAVA_INT} and {@link ValueLayout#JAVA_LONG}; the
 * access modes are Java's ({@code plain}, {@code acquire}/{@code release}, {@code volatile}), and
 * on shared memory they order accesses between processes just as between threads.
 * {@snippet :
 * MemorySegment region = shm.segment();
 * Atomics.setLongRelease(region, 64, 42L);            // publish, pairs with getLongAcquire
 * long seen = Atomics.getLongAcquire(region, 64);      // in another process
 * long ticket = Atomics.getAndAddLong(region, 128, 1); // a shared counter
 * }
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>Offsets are in bytes from the start of the segment and must be naturally aligned in
 *       memory (4 for {@code int}, 8 for {@code long}); a misaligned offset throws
 *       {@link IllegalArgumentException} naming the offset. Regions are page-aligned, so aligned
 *       offsets within a region are aligned addresses.</li>
 *   <li>Bounds are checked: an offset outside the segment throws
 *       {@link IndexOutOfBoundsException}; a closed region throws {@link IllegalStateException}.</li>
 *   <li>Multi-byte values are in the platform's byte order (little-endian on x86_64 and
 *       aarch64), as {@code docs/layout.md} assumes.</li>
 *   <li>On a page that another process truncated away, every method throws the JDK's
 *       {@link InternalError}, as raw segment accesses do ({@link io.jshm.SharedMemory}); the
 *       compare-and-set methods read the word first, so that this holds for them in interpreted
 *       code too (a bare interpreted CAS there crashes HotSpot 25).</li>
 * </ul>
 */
public final class Atomics {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private Atomics() {
    }

    // ------------------------------------------------------------------ int

    /** {@return the int at {@code offset}, plain read} */
    public static int getInt(MemorySegment segment, long offset) {
        return (int) INT.get(segment, aligned4(segment, offset));
    }

    /** {@return the int at {@code offset}, acquire read: pairs with a release store} */
    public static int getIntAcquire(MemorySegment segment, long offset) {
        return (int) INT.getAcquire(segment, aligned4(segment, offset));
    }

    /** {@return the int at {@code offset}, volatile read} */
    public static int getIntVolatile(MemorySegment segment, long offset) {
        return (int) INT.getVolatile(segment, aligned4(segment, offset));
    }

    /** Stores an int at {@code offset}, plain write. */
    public static void setInt(MemorySegment segment, long offset, int value) {
        INT.set(segment, aligned4(segment, offset), value);
    }

    /** Stores an int at {@code offset}, release write: pairs with an acquire read. */
    public static void setIntRelease(MemorySegment segment, long offset, int value) {
        INT.setRelease(segment, aligned4(segment, offset), value);
    }

    /** Stores an int at {@code offset}, volatile write. */
    public static void setIntVolatile(MemorySegment segment, long offset, int value) {
        INT.setVolatile(segment, aligned4(segment, offset), value);
    }

    /** {@return true if the int at {@code offset} was {@code expected} and is now {@code value}} */
    public static boolean compareAndSetInt(MemorySegment segment, long offset, int expected, int value) {
        long at = aligned4(segment, offset);
        // Read first (test and test-and-set): a CAS run by the interpreter on a page that another
        // process truncated away crashes HotSpot, a read throws InternalError (see SharedMemory).
        return (int) INT.getVolatile(segment, at) == expected && INT.compareAndSet(segment, at, expected, value);
    }

    /**
     * Adds to the int at {@code offset} atomically.
     *
     * @return the value before
     */
    public static int getAndAddInt(MemorySegment segment, long offset, int delta) {
        return (int) INT.getAndAdd(segment, aligned4(segment, offset), delta);
    }

    /**
     * Replaces the int at {@code offset} atomically.
     *
     * @return the value before
     */
    public static int getAndSetInt(MemorySegment segment, long offset, int value) {
        return (int) INT.getAndSet(segment, aligned4(segment, offset), value);
    }

    // ------------------------------------------------------------------ long

    /** {@return the long at {@code offset}, plain read} */
    public static long getLong(MemorySegment segment, long offset) {
        return (long) LONG.get(segment, aligned8(segment, offset));
    }

    /** {@return the long at {@code offset}, acquire read: pairs with a release store} */
    public static long getLongAcquire(MemorySegment segment, long offset) {
        return (long) LONG.getAcquire(segment, aligned8(segment, offset));
    }

    /** {@return the long at {@code offset}, volatile read} */
    public static long getLongVolatile(MemorySegment segment, long offset) {
        return (long) LONG.getVolatile(segment, aligned8(segment, offset));
    }

    /** Stores a long at {@code offset}, plain write. */
    public static void setLong(MemorySegment segment, long offset, long value) {
        LONG.set(segment, aligned8(segment, offset), value);
    }

    /** Stores a long at {@code offset}, release write: pairs with an acquire read. */
    public static void setLongRelease(MemorySegment segment, long offset, long value) {
        LONG.setRelease(segment, aligned8(segment, offset), value);
    }

    /** Stores a long at {@code offset}, volatile write. */
    public static void setLongVolatile(MemorySegment segment, long offset, long value) {
        LONG.setVolatile(segment, aligned8(segment, offset), value);
    }

    /** {@return true if the long at {@code offset} was {@code expected} and is now {@code value}} */
    public static boolean compareAndSetLong(MemorySegment segment, long offset, long expected, long value) {
        long at = aligned8(segment, offset);
        // Read first, as compareAndSetInt does.
        return (long) LONG.getVolatile(segment, at) == expected && LONG.compareAndSet(segment, at, expected, value);
    }

    /**
     * Adds to the long at {@code offset} atomically.
     *
     * @return the value before
     */
    public static long getAndAddLong(MemorySegment segment, long offset, long delta) {
        return (long) LONG.getAndAdd(segment, aligned8(segment, offset), delta);
    }

    /**
     * Replaces the long at {@code offset} atomically.
     *
     * @return the value before
     */
    public static long getAndSetLong(MemorySegment segment, long offset, long value) {
        return (long) LONG.getAndSet(segment, aligned8(segment, offset), value);
    }

    // ------------------------------------------------------------------ checks

    private static long aligned4(MemorySegment segment, long offset) {
        if (((segment.address() + offset) & 3) != 0) {
            throw misaligned(segment, offset, 4);
        }
        return offset;
    }

    private static long aligned8(MemorySegment segment, long offset) {
        if (((segment.address() + offset) & 7) != 0) {
            throw misaligned(segment, offset, 8);
        }
        return offset;
    }

    private static IllegalArgumentException misaligned(MemorySegment segment, long offset, int alignment) {
        return new IllegalArgumentException("offset " + offset + " is not " + alignment + "-byte aligned (address 0x"
                + Long.toHexString(segment.address() + offset) + "): atomic " + (alignment == 4 ? "int" : "long")
                + " fields need natural alignment");
    }
}
