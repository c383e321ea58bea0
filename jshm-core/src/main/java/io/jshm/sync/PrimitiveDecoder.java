package io.jshm.sync;

import io.jshm.internal.Liveness;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/** Reads a primitive's bytes into a {@link PrimitiveState}; loads only, each an acquire. */
final class PrimitiveDecoder {
    private PrimitiveDecoder() {
    }

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    static Optional<PrimitiveState> decode(MemorySegment segment, long offset) {
        if (offset < 0 || segment.byteSize() - offset < SyncHeader.SIZE || ((segment.address() + offset) & 7) != 0) {
            return Optional.empty();
        }
        // pairs with the setRelease of the magic in SyncHeader.publish
        if (i(segment, offset + SyncHeader.MAGIC_OFFSET) != SyncHeader.MAGIC
                || segment.get(ValueLayout.JAVA_SHORT, offset + SyncHeader.VERSION_OFFSET) != SyncHeader.VERSION) {
            return Optional.empty();
        }
        short kind = segment.get(ValueLayout.JAVA_SHORT, offset + SyncHeader.KIND_OFFSET);
        long room = segment.byteSize() - offset;
        return Optional.ofNullable(switch (kind) {
            case SyncHeader.KIND_MUTEX -> room < SharedMutex.SIZE ? null : mutex(segment, offset);
            case SyncHeader.KIND_SEMAPHORE -> room < SharedSemaphore.SIZE ? null : new PrimitiveState.Semaphore(
                    i(segment, offset + SharedSemaphore.PERMITS), i(segment, offset + SharedSemaphore.INITIAL),
                    i(segment, offset + SharedSemaphore.WAITERS));
            case SyncHeader.KIND_EVENT -> room < SharedEvent.SIZE ? null : new PrimitiveState.Event(
                    i(segment, offset + SharedEvent.STATE) != 0, i(segment, offset + SharedEvent.RESET) != 0,
                    i(segment, offset + SharedEvent.WAITERS));
            case SyncHeader.KIND_SEQLOCK -> room < SeqLock.PAYLOAD ? null : seq(segment, offset);
            default -> null;
        });
    }

    private static PrimitiveState.Mutex mutex(MemorySegment s, long base) {
        long owner = l(s, base + SharedMutex.OWNER);
        long start = l(s, base + SharedMutex.OWNER_START);
        long pid = owner >>> 32;
        return new PrimitiveState.Mutex(pid, owner & 0xFFFF_FFFFL, owner != 0 && !Liveness.isDead(pid, start),
                i(s, base + SharedMutex.WAITERS), l(s, base + SharedMutex.RECOVERIES));
    }

    private static PrimitiveState.Seq seq(MemorySegment s, long base) {
        long writer = l(s, base + SeqLock.WRITER_PID);
        return new PrimitiveState.Seq(i(s, base + SeqLock.PAYLOAD_SIZE), l(s, base + SeqLock.SEQUENCE), writer,
                writer != 0 && !Liveness.isDead(writer, 0));
    }

    private static int i(MemorySegment s, long at) {
        return (int) INT.getAcquire(s, at);
    }

    private static long l(MemorySegment s, long at) {
        return (long) LONG.getAcquire(s, at);
    }
}
