package io.jshm.queue;

import io.jshm.CorruptRegionException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The queue region: a 4096-byte header, then the ring of {@code capacity} bytes, so that the ring
 * starts on a page boundary (decision 60); an MPSC queue then has its lanes (decision 63), each a
 * whole SPSC queue (header and ring, {@code 4096 + capacity} bytes) laid out as this one. Fields
 * written by different sides sit on different 128-byte lines (two cache lines, against the
 * adjacent-line prefetcher). All little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  magic 0x5148534A ("JSHQ")                    |    0
 *  +-------------------------------+-------------------------------+
 *  |          version (4)          |  type (1 spsc 2 mpsc 3 bcast) |    4
 *  +-------------------------------+-------------------------------+
 *  |                capacity (bytes of the ring, 2^n)              |    8
 *  +---------------------------------------------------------------+
 *  |                  max payload (capacity / 4)                   |   16
 *  +---------------------------------------------------------------+
 *  |             lanes (MPSC: 0 to 64; otherwise 0)                |   20
 *  +---------------------------------------------------------------+
 *  |          region size ((1 + lanes) * (4096 + capacity))        |   24
 *  +---------------------------------------------------------------+
 *  |      MPSC: lanes used (high-water mark of lanes taken)        |   32
 *  +---------------------------------------------------------------+
 *  |                      reserved to 128                          |   36
 *  +===============================================================+
 *  | producer line: tail, records in, producer pid + start time,   |  128
 *  | broadcast tail intent, latest position + sequence             |
 *  +===============================================================+
 *  | consumer line: head, skipped, consumer pid + start time       |  256
 *  +===============================================================+
 *  | wait line: producers park flag, producers waiting, space      |  384
 *  | sequence (futex word), consumers park flag, consumers         |
 *  | waiting, data sequence (futex word), producers' and           |
 *  | consumers' arrivals (sleeps begun)                            |
 *  +===============================================================+
 *  | broadcast line: lapped, lost (summed over consumers)          |  512
 *  +===============================================================+
 *  | consumer's own line: consumed to, records out                 |  640
 *  +===============================================================+
 *  |                    reserved to 4096                           |  768
 *  +===============================================================+
 *  |                   ring: capacity bytes of records             | 4096
 *  +===============================================================+
 *  | MPSC: lane i, an SPSC queue's header and ring, at             |
 *  | (1 + i) * (4096 + capacity), for i from 0 to lanes - 1        |
 *  +---------------------------------------------------------------+
 * </pre>
 * Offsets of every field are the constants below; {@code docs/layout.md} has the table.
 */
final class QueueLayout {
    private QueueLayout() {
    }

    static final int MAGIC = 0x5148534A;
    static final short VERSION = 5;
    static final long HEADER_SIZE = 4096;
    static final long MIN_CAPACITY = 1024;
    static final long MAX_CAPACITY = 1L << 30;
    static final int MAX_LANES = 64;

    static final long MAGIC_OFFSET = 0;
    static final long VERSION_OFFSET = 4;
    static final long TYPE_OFFSET = 6;
    static final long CAPACITY_OFFSET = 8;
    static final long MAX_PAYLOAD_OFFSET = 16;
    static final long LANES_OFFSET = 20;
    static final long REGION_SIZE_OFFSET = 24;
    /** MPSC: lanes taken so far, a high-water mark (lane i taken: at least i + 1); the consumer polls those. */
    static final long LANES_USED = 32;

    // producer line: written by producers, read by consumers
    static final long TAIL = 128;
    static final long RECORDS_IN = 136;
    static final long PRODUCER_PID = 144;
    static final long PRODUCER_START = 152;
    static final long TAIL_INTENT = 160;
    static final long LATEST_POSITION = 168;
    static final long LATEST_SEQUENCE = 176;
    /** SPSC: bytes of padding and aborted records the producer has written (not messages). */
    static final long PADDING_IN = 184;

    // consumer line: written by the consumer, read by producers only when the ring looks full
    static final long HEAD = 256;
    static final long SKIPPED = 272;
    static final long CONSUMER_PID = 280;
    static final long CONSUMER_START = 288;
    // 296: reserved (MPSC's end of the release in progress, until layout version 4)

    // wait line: written only by sides that go to sleep, read by the other side on every publication
    static final long PRODUCERS_PARK = 384;
    static final long PRODUCERS_WAITING = 388;
    static final long SPACE_SEQUENCE = 392;
    static final long CONSUMERS_PARK = 396;
    static final long CONSUMERS_WAITING = 400;
    static final long DATA_SEQUENCE = 404;
    static final long PRODUCERS_ARRIVALS = 408;
    static final long CONSUMERS_ARRIVALS = 420;
    /** From a side's park flag to its count of sleepers, its futex word and its arrivals (same for both sides). */
    static final long WAITING_FROM_PARK = 4;
    static final long SEQUENCE_FROM_PARK = 8;
    static final long ARRIVALS_FROM_PARK = 24;

    // broadcast line: summed over consumers, written when one is lapped
    static final long LAPPED = 512;
    static final long LOST = 520;

    // consumer's own line: written by the consumer after every record, read by nobody on the hot paths
    /** The position after the last record the consumer is done with (the head moves there once per batch). */
    static final long CONSUMED_TO = 640;
    static final long RECORDS_OUT = 648;
    /** SPSC: bytes of padding and aborted records the consumer has passed. */
    static final long PADDING_OUT = 656;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    static long maxPayload(long capacity) {
        return capacity / 4;
    }

    /** Checks a capacity asked of {@code create}. */
    static void checkCapacity(long capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("queue capacity must be a power of two from " + MIN_CAPACITY + " to "
                    + MAX_CAPACITY + " bytes, got " + capacity);
        }
    }

    /** Checks a number of lanes asked of {@code create}. */
    static void checkLanes(int lanes) {
        if (lanes < 0 || lanes > MAX_LANES) {
            throw new IllegalArgumentException("an MPSC queue has 0 to " + MAX_LANES + " lanes, got " + lanes);
        }
    }

    /** {@return the bytes of a queue region with {@code lanes} lanes} */
    static long regionSize(long capacity, int lanes) {
        return (1L + lanes) * (HEADER_SIZE + capacity);
    }

    /** {@return the offset in the region of lane {@code lane}: its header, then its ring} */
    static long laneOffset(long capacity, int lane) {
        return (1L + lane) * (HEADER_SIZE + capacity);
    }

    /**
     * Writes a fresh header, and an MPSC queue's lanes before it (an SPSC queue's header each);
     * the magic last, with release semantics, so that an opener that sees it sees the lanes too.
     */
    static void initialize(MemorySegment region, QueueType type, long capacity, int lanes) {
        for (int lane = 0; lane < lanes; lane++) {
            initialize(region.asSlice(laneOffset(capacity, lane), HEADER_SIZE + capacity), QueueType.SPSC, capacity, 0);
        }
        region.asSlice(0, HEADER_SIZE).fill((byte) 0);
        region.set(ValueLayout.JAVA_SHORT, VERSION_OFFSET, VERSION);
        region.set(ValueLayout.JAVA_SHORT, TYPE_OFFSET, (short) type.code());
        region.set(ValueLayout.JAVA_LONG, CAPACITY_OFFSET, capacity);
        region.set(ValueLayout.JAVA_INT, MAX_PAYLOAD_OFFSET, (int) maxPayload(capacity));
        region.set(ValueLayout.JAVA_INT, LANES_OFFSET, lanes);
        region.set(ValueLayout.JAVA_LONG, REGION_SIZE_OFFSET, regionSize(capacity, lanes));
        INT.setRelease(region, MAGIC_OFFSET, MAGIC); // pairs with getAcquire in verify
    }

    /** {@return the lanes of a queue whose header was checked} */
    static int lanes(MemorySegment region) {
        return region.get(ValueLayout.JAVA_INT, LANES_OFFSET);
    }

    static boolean published(MemorySegment region) {
        return region.byteSize() >= HEADER_SIZE && (int) INT.getAcquire(region, MAGIC_OFFSET) != 0;
    }

    /**
     * Checks a header against itself and the region's real size.
     *
     * @return the queue's type
     * @throws CorruptRegionException if it is foreign, of another version, or inconsistent
     */
    static QueueType verify(MemorySegment region, String name) {
        QueueType type = verify(region, name, "");
        long capacity = region.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET);
        for (int lane = 0, lanes = lanes(region); lane < lanes; lane++) {
            String what = "lane " + lane + ": ";
            MemorySegment slice = region.asSlice(laneOffset(capacity, lane), HEADER_SIZE + capacity);
            if (verify(slice, name, what) != QueueType.SPSC) {
                throw corrupt(name, what + "type " + slice.get(ValueLayout.JAVA_SHORT, TYPE_OFFSET)
                        + ", where a lane is an SPSC queue (1)");
            }
            if (slice.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET) != capacity) {
                throw corrupt(name, what + "capacity " + slice.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET)
                        + ", where the queue's is " + capacity);
            }
        }
        return type;
    }

    /** Checks one header (the queue's, or with {@code what} naming it, a lane's) against the region it heads. */
    private static QueueType verify(MemorySegment region, String name, String what) {
        long size = region.byteSize();
        if (size < HEADER_SIZE + MIN_CAPACITY) {
            throw corrupt(name, what + "region has " + size + " bytes, fewer than the smallest queue (" + (HEADER_SIZE
                    + MIN_CAPACITY) + ")");
        }
        int magic = (int) INT.getAcquire(region, MAGIC_OFFSET); // pairs with setRelease in initialize
        if (magic != MAGIC) {
            throw corrupt(name, what + "not a jshm queue: magic 0x" + Integer.toHexString(magic) + ", expected 0x"
                    + Integer.toHexString(MAGIC) + (magic == 0 ? " (not initialised)" : ""));
        }
        short version = region.get(ValueLayout.JAVA_SHORT, VERSION_OFFSET);
        if (version != VERSION) {
            throw corrupt(name, what + "queue layout version " + version + ", this jshm reads version " + VERSION);
        }
        QueueType type = QueueType.ofCode(region.get(ValueLayout.JAVA_SHORT, TYPE_OFFSET));
        if (type == null) {
            throw corrupt(name, what + "unknown queue type " + region.get(ValueLayout.JAVA_SHORT, TYPE_OFFSET));
        }
        long capacity = region.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET);
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw corrupt(name, what + "capacity " + capacity + " is not a power of two from " + MIN_CAPACITY + " to "
                    + MAX_CAPACITY);
        }
        int lanes = lanes(region);
        if (lanes != 0 && (type != QueueType.MPSC || lanes < 0 || lanes > MAX_LANES)) {
            throw corrupt(name, what + "lanes " + lanes + ": only an MPSC queue has lanes, 0 to " + MAX_LANES);
        }
        long recorded = region.get(ValueLayout.JAVA_LONG, REGION_SIZE_OFFSET);
        long expected = regionSize(capacity, lanes);
        if (recorded != expected || size != recorded) {
            String need = lanes == 0 ? " needs" : " and " + lanes + " lanes need";
            throw corrupt(name, what + "sizes disagree: capacity " + capacity + need + " a region of " + expected
                    + " bytes; the header says " + recorded + " and the region has " + size);
        }
        int maxPayload = region.get(ValueLayout.JAVA_INT, MAX_PAYLOAD_OFFSET);
        if (maxPayload != maxPayload(capacity)) {
            throw corrupt(name, what + "max payload " + maxPayload + " disagrees with capacity " + capacity);
        }
        return type;
    }

    static CorruptRegionException corrupt(String name, String why) {
        return new CorruptRegionException(name, "queue '" + name + "' is corrupt or foreign: " + why, 0);
    }
}
