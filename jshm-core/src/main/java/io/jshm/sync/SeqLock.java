package io.jshm.sync;

import io.jshm.CorruptRegionException;
import io.jshm.internal.Liveness;
import io.jshm.internal.Waiting;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A sequence lock: one writer publishes a block of bytes (a quote, a pose, a frame header) that
 * any number of readers in any process read without blocking the writer; a reader that overlaps
 * a write sees the sequence change and retries, so it never returns a torn value.
 * {@snippet :
 * // writer
 * SeqLock quote = SeqLock.initialize(shm.segment(), 0, 16);
 * quote.write(payload -> {
 *     payload.set(ValueLayout.JAVA_LONG, 0, bid);
 *     payload.set(ValueLayout.JAVA_LONG, 8, ask);
 * });
 * // reader, in another process
 * SeqLock quote = SeqLock.attach(shm.segment(), 0);
 * MemorySegment snapshot = Arena.ofAuto().allocate(16);
 * quote.read(snapshot);                       // consistent bid and ask
 * }
 *
 * <h2>Layout</h2> ({@code 128 + payload} bytes rounded up to 8, 8-byte aligned; also in
 * {@code docs/layout.md})
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  magic 0x4E59534A ("JSYN")                    |  0
 *  +-------------------------------+-------------------------------+
 *  |          version (1)          |           kind (4)            |  4
 *  +-------------------------------+-------------------------------+
 *  |                     payload size in bytes                     |  8
 *  +---------------------------------------------------------------+
 *  |                           reserved                            | 12
 *  +---------------------------------------------------------------+
 *  |                 pid of the last writer (64 bits)              | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 payload size again (a check)                  | 24
 *  +---------------------------------------------------------------+
 *  |                      reserved (36 bytes)                      | 28..63
 *  +---------------------------------------------------------------+
 *  |      sequence (64 bits): odd while a write is in progress     | 64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      reserved (56 bytes)                      | 72..127
 *  +---------------------------------------------------------------+
 *  |                     payload (payload size bytes)              | 128
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>If another process shrinks the region under it ({@code ftruncate}), write, read, readBegin, readValidate and sequence
 *       throw {@link io.jshm.RegionTruncatedException} instead of touching the lost page.</li>
 *   <li>One writer at a time: writers in several threads or processes must hold a
 *       {@link SharedMutex} around {@link #write}. Readers are unlimited and never block the
 *       writer.</li>
 *   <li>{@link #read(MemorySegment)} returns only a snapshot that no write overlapped.</li>
 *   <li>A writer that dies mid-write leaves the sequence odd: the next write repairs it, and a
 *       reader that finds the writer's process gone for more than a second throws
 *       {@link CorruptRegionException} instead of spinning for ever.</li>
 *   <li>Nothing here makes a system call; readers spin (with {@link Thread#onSpinWait()}, then
 *       yielding) while a write is in progress.</li>
 * </ul>
 */
public final class SeqLock implements AutoCloseable {

    static final long PAYLOAD_SIZE = 8;
    /** The payload size again, in another 8-byte word: a damaged size is refused, not followed. */
    static final long PAYLOAD_SIZE_COPY = 24;
    static final long WRITER_PID = 16;
    static final long SEQUENCE = 64;
    static final long PAYLOAD = 128;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Placement place;
    private final MemorySegment segment;
    private final long base;
    private final MemorySegment payload;

    private SeqLock(Placement place, int payloadSize) {
        this.place = place;
        this.segment = place.segment();
        this.base = place.offset();
        this.payload = segment.asSlice(base + PAYLOAD, payloadSize);
    }

    /** {@return the bytes a seqlock with {@code payloadSize} bytes of payload occupies} */
    public static long sizeFor(int payloadSize) {
        if (payloadSize <= 0) {
            throw new IllegalArgumentException("a seqlock's payload needs at least 1 byte, got " + payloadSize);
        }
        return PAYLOAD + ((payloadSize + 7L) & ~7L);
    }

    /**
     * Initialises a seqlock with a zeroed payload of {@code payloadSize} bytes at {@code offset}.
     *
     * @throws IllegalArgumentException  if payloadSize is not positive or the address not 8-byte aligned
     * @throws IndexOutOfBoundsException if {@link #sizeFor(int)} bytes at {@code offset} do not fit
     */
    public static SeqLock initialize(MemorySegment segment, long offset, int payloadSize) {
        Placement place = Placement.at(segment, offset, sizeFor(payloadSize), SyncHeader.KIND_SEQLOCK);
        init(segment, offset, payloadSize);
        return new SeqLock(place, payloadSize);
    }

    /**
     * Uses the seqlock another process initialised at {@code offset}.
     *
     * @throws CorruptRegionException    if there is no seqlock there, or its payload size is impossible or
     *                                   disagrees with the copy kept beside it
     * @throws IndexOutOfBoundsException if it does not fit the segment
     */
    public static SeqLock attach(MemorySegment segment, long offset) {
        Placement place = Placement.at(segment, offset, PAYLOAD, SyncHeader.KIND_SEQLOCK);
        SyncHeader.verify(segment, offset, SyncHeader.KIND_SEQLOCK, place.label());
        int payloadSize = segment.get(ValueLayout.JAVA_INT, offset + PAYLOAD_SIZE);
        if (payloadSize <= 0 || sizeFor(payloadSize) > segment.byteSize() - offset) {
            throw new CorruptRegionException(place.label(), "seqlock at " + place.label() + " claims a payload of "
                    + payloadSize + " bytes, which does not fit the " + segment.byteSize() + "-byte segment", 0);
        }
        int copy = segment.get(ValueLayout.JAVA_INT, offset + PAYLOAD_SIZE_COPY);
        if (copy != payloadSize) {
            // a damaged size that still fits would make writes run over whatever follows the seqlock
            throw new CorruptRegionException(place.label(), "seqlock at " + place.label() + " claims a payload of "
                    + payloadSize + " bytes, and its copy of that size says " + copy, 0);
        }
        return new SeqLock(place, payloadSize);
    }

    /**
     * Opens the seqlock in region {@code name}, creating it with a payload of {@code payloadSize}
     * bytes if needed. {@link #close()} closes the region.
     *
     * @throws CorruptRegionException if the region holds something else, or another payload size
     * @throws io.jshm.JshmException   if the region cannot be opened or created
     */
    public static SeqLock openOrCreate(String name, int payloadSize) {
        Placement place = Placement.named(name, sizeFor(payloadSize), SyncHeader.KIND_SEQLOCK,
                (segment, offset) -> init(segment, offset, payloadSize));
        int found = place.segment().get(ValueLayout.JAVA_INT, PAYLOAD_SIZE);
        if (found != payloadSize) {
            place.close();
            throw new CorruptRegionException(name, "seqlock in region '" + name + "' has a payload of " + found
                    + " bytes, not " + payloadSize, 0);
        }
        return new SeqLock(place, payloadSize);
    }

    private static void init(MemorySegment segment, long offset, int payloadSize) {
        segment.asSlice(offset, sizeFor(payloadSize)).fill((byte) 0);
        segment.set(ValueLayout.JAVA_INT, offset + PAYLOAD_SIZE, payloadSize);
        segment.set(ValueLayout.JAVA_INT, offset + PAYLOAD_SIZE_COPY, payloadSize);
        SyncHeader.publish(segment, offset, SyncHeader.KIND_SEQLOCK);
    }

    /** {@return the payload size in bytes} */
    public int payloadSize() {
        return (int) payload.byteSize();
    }

    /**
     * Writes the payload: {@code writer} receives the payload segment, in place, and every reader
     * sees either all of its changes or none.
     */
    public void write(Consumer<MemorySegment> writer) {
        Objects.requireNonNull(writer, "writer");
        try {
            long seq = beginWrite();
            try {
                writer.accept(payload);
            } finally {
                LONG.setRelease(segment, base + SEQUENCE, seq + 2); // pairs with getAcquire in read
            }
        } catch (InternalError e) {
            throw place.fault("seqlock write", e);
        }
    }

    /**
     * Writes {@code source} (at most {@link #payloadSize()} bytes) to the start of the payload.
     *
     * @throws IndexOutOfBoundsException if the source is larger than the payload
     */
    public void write(MemorySegment source) {
        if (source.byteSize() > payload.byteSize()) {
            throw new IndexOutOfBoundsException("source of " + source.byteSize() + " bytes is larger than the "
                    + payload.byteSize() + "-byte payload of the seqlock at " + place.label());
        }
        write(p -> MemorySegment.copy(source, 0, p, 0, source.byteSize()));
    }

    private long beginWrite() {
        long seq = (long) LONG.getOpaque(segment, base + SEQUENCE);
        if ((seq & 1) != 0) {
            seq++; // a writer died mid-write: start from the next even value
        }
        LONG.setOpaque(segment, base + SEQUENCE, seq + 1);
        VarHandle.storeStoreFence(); // the odd sequence is visible before any payload store
        LONG.setOpaque(segment, base + WRITER_PID, Liveness.MY_PID);
        return seq;
    }

    /**
     * Copies a consistent snapshot of the payload into {@code destination}, retrying while a
     * write overlaps.
     *
     * @throws IndexOutOfBoundsException if the destination is smaller than the payload
     * @throws CorruptRegionException    if a writer died mid-write and nobody has written since
     */
    public void read(MemorySegment destination) {
        if (destination.byteSize() < payload.byteSize()) {
            throw new IndexOutOfBoundsException("destination of " + destination.byteSize() + " bytes is smaller than"
                    + " the " + payload.byteSize() + "-byte payload of the seqlock at " + place.label());
        }
        try {
            while (true) {
                long before = readBegin();
                MemorySegment.copy(payload, 0, destination, 0, payload.byteSize());
                if (readValidate(before)) {
                    return;
                }
            }
        } catch (InternalError e) {
            throw place.fault("seqlock read", e);
        }
    }

    /**
     * Begins an optimistic read of {@link #payload()} in place: waits while a write is in
     * progress. The value returned goes to {@link #readValidate(long)}.
     * {@snippet :
     * long bid, ask, seq;
     * do {
     *     seq = quote.readBegin();
     *     bid = quote.payload().get(ValueLayout.JAVA_LONG, 0);
     *     ask = quote.payload().get(ValueLayout.JAVA_LONG, 8);
     * } while (!quote.readValidate(seq));
     * }
     *
     * @return the sequence to pass to {@link #readValidate(long)}
     * @throws CorruptRegionException if a writer died mid-write and nobody has written since
     */
    public long readBegin() {
        try {
            return awaitEven();
        } catch (InternalError e) {
            throw place.fault("seqlock readBegin", e);
        }
    }

    private long awaitEven() {
        long seq = (long) LONG.getAcquire(segment, base + SEQUENCE); // pairs with setRelease in write
        if ((seq & 1) == 0) {
            return seq;
        }
        long since = System.nanoTime();
        for (int spins = 0; ; spins++) {
            if (spins < Waiting.SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
            seq = (long) LONG.getAcquire(segment, base + SEQUENCE);
            if ((seq & 1) == 0) {
                return seq;
            }
            if (System.nanoTime() - since > STUCK_NANOS) {
                checkWriterAlive();
                since = System.nanoTime();
            }
        }
    }

    /** {@return true if no write overlapped the read that {@link #readBegin()} began} */
    public boolean readValidate(long seq) {
        VarHandle.loadLoadFence(); // the payload loads complete before the sequence is read again
        try {
            return (long) LONG.getOpaque(segment, base + SEQUENCE) == seq;
        } catch (InternalError e) {
            throw place.fault("seqlock readValidate", e);
        }
    }

    /**
     * {@return the payload, in place} Writes to it outside {@link #write} break the seqlock's
     * guarantee; reads of it must be validated ({@link #readBegin()}).
     */
    public MemorySegment payload() {
        return payload;
    }

    /** {@return the sequence: even when idle, incremented by two per write} */
    public long sequence() {
        try {
            return (long) LONG.getVolatile(segment, base + SEQUENCE);
        } catch (InternalError e) {
            throw place.fault("seqlock sequence", e);
        }
    }

    /** Closes the region this seqlock opened by name; nothing otherwise. */
    @Override
    public void close() {
        place.close();
    }

    private void checkWriterAlive() {
        long pid = (long) LONG.getOpaque(segment, base + WRITER_PID);
        if (Liveness.isDead(pid, 0)) {
            throw new CorruptRegionException(place.label(), "the writer of the seqlock at " + place.label()
                    + " (pid " + pid + ") died in the middle of a write; the next write repairs it", 0);
        }
    }
}
