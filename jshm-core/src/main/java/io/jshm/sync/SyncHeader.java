package io.jshm.sync;

import io.jshm.CorruptRegionException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The 8-byte header every synchronization primitive starts with.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  magic 0x4E59534A ("JSYN")                    |  0
 *  +-------------------------------+-------------------------------+
 *  |          version (1)          |             kind              |  4
 *  +-------------------------------+-------------------------------+
 * </pre>
 * The magic is written last, with a release store, so whoever sees it (acquire load) sees the
 * whole primitive initialised. Readers refuse a magic, version or kind they do not know.
 */
final class SyncHeader {
    private SyncHeader() {
    }

    static final int MAGIC = 0x4E59534A;
    static final short VERSION = 1;
    static final long MAGIC_OFFSET = 0;
    static final long VERSION_OFFSET = 4;
    static final long KIND_OFFSET = 6;
    static final long SIZE = 8;

    static final short KIND_MUTEX = 1;
    static final short KIND_SEMAPHORE = 2;
    static final short KIND_EVENT = 3;
    static final short KIND_SEQLOCK = 4;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    static String kindName(int kind) {
        return switch (kind) {
            case KIND_MUTEX -> "mutex";
            case KIND_SEMAPHORE -> "semaphore";
            case KIND_EVENT -> "event";
            case KIND_SEQLOCK -> "seqlock";
            default -> "unknown kind " + kind;
        };
    }

    /** Checks that {@code size} bytes at {@code offset} fit the segment and are 8-byte aligned. */
    static void checkPlacement(MemorySegment segment, long offset, long size, short kind) {
        if (offset < 0 || offset > segment.byteSize() - size) {
            throw new IndexOutOfBoundsException("a " + kindName(kind) + " needs " + size + " bytes at offset " + offset
                    + ", but the segment has " + segment.byteSize() + " bytes");
        }
        if (((segment.address() + offset) & 7) != 0) {
            throw new IllegalArgumentException("a " + kindName(kind) + " needs an 8-byte aligned offset, got " + offset
                    + " (address 0x" + Long.toHexString(segment.address() + offset) + ")");
        }
    }

    /** Writes the header; call after every other field is initialised. */
    static void publish(MemorySegment segment, long offset, short kind) {
        segment.set(ValueLayout.JAVA_SHORT, offset + VERSION_OFFSET, VERSION);
        segment.set(ValueLayout.JAVA_SHORT, offset + KIND_OFFSET, kind);
        INT.setRelease(segment, offset + MAGIC_OFFSET, MAGIC); // pairs with the getAcquire in verify
    }

    /**
     * Verifies the header at {@code offset}.
     *
     * @throws CorruptRegionException if the magic, version or kind is not what it should be
     */
    static void verify(MemorySegment segment, long offset, short kind, String label) {
        int magic = (int) INT.getAcquire(segment, offset + MAGIC_OFFSET); // pairs with setRelease in publish
        if (magic != MAGIC) {
            throw new CorruptRegionException(label, "no jshm " + kindName(kind) + " at " + label + ": magic 0x"
                    + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC)
                    + (magic == 0 ? " (not initialised)" : " (foreign or corrupt)"), 0);
        }
        short version = segment.get(ValueLayout.JAVA_SHORT, offset + VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptRegionException(label, "unsupported " + kindName(kind) + " version " + version + " at "
                    + label + " (this jshm reads version " + VERSION + ")", 0);
        }
        short found = segment.get(ValueLayout.JAVA_SHORT, offset + KIND_OFFSET);
        if (found != kind) {
            throw new CorruptRegionException(label, "expected a " + kindName(kind) + " at " + label + " but found a "
                    + kindName(found), 0);
        }
    }

    /** Waits until another process has published the header, then verifies it. */
    static void awaitAndVerify(MemorySegment segment, long offset, short kind, String label, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while ((int) INT.getAcquire(segment, offset + MAGIC_OFFSET) == 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        verify(segment, offset, kind, label);
    }
}
