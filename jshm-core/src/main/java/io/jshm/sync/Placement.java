package io.jshm.sync;

import io.jshm.CorruptRegionException;
import io.jshm.InvalidSizeException;
import io.jshm.JshmException;
import io.jshm.SharedMemory;
import io.jshm.internal.Faults;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Where a primitive lives: a segment and an offset, and the region it owns when it was opened by
 * name (closed with the primitive).
 *
 * @param segment the memory holding the primitive
 * @param offset  the primitive's first byte in {@code segment}
 * @param owned   the named region made for this primitive alone, or null
 * @param label   how messages name the place
 */
record Placement(MemorySegment segment, long offset, SharedMemory owned, String label) {

    /** How long an opener waits for the creator of a named primitive to initialise it. */
    static final Duration INIT_TIMEOUT = Duration.ofSeconds(2);

    static Placement at(MemorySegment segment, long offset, long size, short kind) {
        SyncHeader.checkPlacement(segment, offset, size, kind);
        return new Placement(segment, offset, null, "offset " + offset + " of a " + segment.byteSize() + "-byte segment");
    }

    /**
     * Opens the region {@code name} holding one primitive at offset 0, or creates it and runs
     * {@code initializer(segment, 0)}.
     *
     * @throws CorruptRegionException if the region exists but holds something else: another kind,
     *                                garbage, or too few bytes for this primitive
     */
    static Placement named(String name, long size, short kind, BiConsumer<MemorySegment, Long> initializer) {
        SharedMemory shm;
        try {
            shm = SharedMemory.openOrCreate(name, size);
        } catch (InvalidSizeException tooSmall) {
            // size is positive, so the region exists with fewer bytes than this primitive needs:
            // it holds something else (another kind, or a seqlock with a smaller payload).
            CorruptRegionException e = new CorruptRegionException(name, "region '" + name + "' cannot hold a "
                    + SyncHeader.kindName(kind) + " of " + size + " bytes: " + tooSmall.getMessage(), 0);
            e.initCause(tooSmall);
            throw e;
        }
        try {
            MemorySegment segment = shm.segment();
            String label = "region '" + name + "'";
            if (shm.created()) {
                initializer.accept(segment, 0L);
            } else {
                SyncHeader.awaitAndVerify(segment, 0, kind, label, INIT_TIMEOUT.toNanos());
            }
            return new Placement(segment, 0, shm, label);
        } catch (RuntimeException | Error e) {
            shm.close();
            throw e;
        }
    }

    /**
     * {@return the jshm exception for a memory fault during {@code what}} (a region truncated by
     * another process); errors that are not memory faults are rethrown as they are
     */
    JshmException fault(String what, InternalError e) {
        return Faults.truncated(owned != null ? owned.name() : null, label, segment.byteSize(), what, e);
    }

    void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
