package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.sync.Atomics;

import java.lang.foreign.MemorySegment;

/**
 * One 64-byte mailbox in a raw jshm region: the sender copies the message in, then publishes
 * its sequence number with a release store of one 64-bit word; the receiver spins on that word
 * with acquire loads. Nothing else: no ring, no header, so a message may only be sent once the
 * previous one was answered (a ping-pong). It is the floor reachable from Java, and its layout
 * is the C floor's (see {@code cfloor.c}): A to B at offset 0, B to A at 256, the word 64 bytes
 * after the block's start, its length
 * word beside it.
 */
final class RawRegionLink implements Link {
    static final long A_TO_B = 0;
    static final long B_TO_A = 256;
    static final long REGION_SIZE = 4096;
    /** Offsets within a block: the published sequence word, and the message length beside it. */
    private static final long WORD = Messages.PING_LENGTH;
    private static final long LENGTH = WORD + 8;

    private final SharedMemory region;
    private final MemorySegment segment;
    private final long block;
    private long sent;
    private long seen;

    RawRegionLink(String name, long block) {
        this.region = SharedMemory.open(name);
        this.segment = region.segment();
        this.block = block;
    }

    @Override
    public void send(MemorySegment message, int length) {
        if (length > Messages.PING_LENGTH) {
            throw new IllegalArgumentException("the raw region carries messages of up to 64 bytes, not " + length);
        }
        MemorySegment.copy(message, 0, segment, block, length);
        segment.set(Messages.WORD, block + LENGTH, (long) length);
        // release: pairs with the receiver's acquire load of the same word in poll
        Atomics.setLongRelease(segment, block + WORD, ++sent);
    }

    @Override
    public int poll(Received into, Runnable each, int limit) {
        long word = Atomics.getLongAcquire(segment, block + WORD);
        if (word == seen) {
            return 0;
        }
        seen = word;
        into.note(segment, block, (int) segment.get(Messages.WORD, block + LENGTH));
        each.run();
        return 1; // a mailbox holds one message
    }

    @Override
    public void close() {
        region.close();
    }
}
