package io.jshm.queue;

import io.jshm.CorruptRegionException;
import io.jshm.internal.Liveness;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * What an observer sees of a queue, decoded from its header (see {@code docs/layout.md}) without
 * taking a role or writing anything: the read-only counterpart of {@link SharedQueue#counters()}
 * for tools that must not disturb producers and consumers ({@code jshm info}, {@code jshm top}).
 *
 * {@snippet :
 * try (RegionView view = RegionView.open("orders")) {
 *     QueueState.inspect(view.segment(), view.name()).ifPresent(q ->
 *             System.out.println(q.counters().depth() + " bytes waiting"));
 * }
 * }
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>{@link #inspect} only loads (acquire), so it works on a read-only segment, such as a
 *       {@link io.jshm.RegionView}'s, and never changes the queue.</li>
 *   <li>A snapshot: the fields are read one after another while the queue runs, so they may
 *       come from slightly different instants (depth is computed from the tail, the head and,
 *       SPSC, the padding counters read here, and kept between 0 and the capacity).</li>
 *   <li>MPSC records in is records out plus the committed messages found by walking the ring
 *       from the consumer's place to the tail (MPSC producers keep no shared count): up to a
 *       ring's worth of header loads per call.</li>
 *   <li>The header is checked as {@link SharedQueue#open} checks it; a header with the queue
 *       magic that disagrees with itself or the region's size is reported, not decoded.</li>
 * </ul>
 *
 * @param counters         the counters, as {@link SharedQueue#counters()} gives them
 * @param maxMessageLength the largest payload a message may have
 * @param producerAlive    whether the registered producer (SPSC, broadcast) still runs; false if none
 * @param consumerAlive    whether the registered consumer (SPSC, MPSC) still runs; false if none
 * @param producersWaiting producers sleeping (or about to) for room
 * @param consumersWaiting consumers sleeping (or about to) for data
 */
public record QueueState(QueueCounters counters, int maxMessageLength, boolean producerAlive, boolean consumerAlive,
                         int producersWaiting, int consumersWaiting) {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /**
     * Decodes the queue whose header starts at offset 0 of {@code region}.
     *
     * @param region the whole queue region (a 4096-byte header, then the ring)
     * @param name   the region's name, for messages
     * @return the state, or empty if the region does not start with the queue magic
     * @throws CorruptRegionException if it has the queue magic but a header that disagrees with
     *                                itself or with the region's size
     */
    public static Optional<QueueState> inspect(MemorySegment region, String name) {
        if (region.byteSize() < Integer.BYTES || (region.address() & 7) != 0
                || (int) INT.getAcquire(region, QueueLayout.MAGIC_OFFSET) != QueueLayout.MAGIC) {
            return Optional.empty();
        }
        QueueType type = QueueLayout.verify(region, name);
        long capacity = region.get(ValueLayout.JAVA_LONG, QueueLayout.CAPACITY_OFFSET);
        int lanes = QueueLayout.lanes(region);
        if (lanes < 0 || QueueLayout.regionSize(capacity, lanes) > region.byteSize()) {
            throw QueueLayout.corrupt(name, "lanes changed to " + lanes + " while the header was read");
        }
        QueueCounters counters = counters(region, type, capacity, lanes);
        return Optional.of(new QueueState(counters, region.get(ValueLayout.JAVA_INT, QueueLayout.MAX_PAYLOAD_OFFSET),
                alive(l(region, QueueLayout.PRODUCER_PID), l(region, QueueLayout.PRODUCER_START)),
                alive(l(region, QueueLayout.CONSUMER_PID), l(region, QueueLayout.CONSUMER_START)),
                (int) INT.getAcquire(region, QueueLayout.PRODUCERS_WAITING),
                (int) INT.getAcquire(region, QueueLayout.CONSUMERS_WAITING)));
    }

    /**
     * {@return the counters of a queue region whose header was checked, with {@code lanes} lanes}
     * Loads only: what {@link SharedQueue#counters()} and observers both read. An MPSC queue's
     * are the sums over its ring and its lanes (the tail and head: bytes in and out).
     */
    static QueueCounters counters(MemorySegment region, QueueType type, long capacity, int lanes) {
        QueueCounters c = counters(region, type, capacity);
        for (int lane = 0; lane < lanes; lane++) {
            QueueCounters l = counters(region.asSlice(QueueLayout.laneOffset(capacity, lane),
                    QueueLayout.HEADER_SIZE + capacity), QueueType.SPSC, capacity);
            c = new QueueCounters(type, capacity, c.depth() + l.depth(), c.recordsIn() + l.recordsIn(),
                    c.recordsOut() + l.recordsOut(), c.bytesIn() + l.bytesIn(), c.bytesOut() + l.bytesOut(),
                    c.paddingIn() + l.paddingIn(), c.paddingOut() + l.paddingOut(), c.skipped() + l.skipped(),
                    c.lapped(), c.lost(), c.producerPid(), c.consumerPid());
        }
        return c;
    }

    /** {@return the counters of one ring: the queue's own, or (as an SPSC queue's) a lane's} */
    private static QueueCounters counters(MemorySegment region, QueueType type, long capacity) {
        long tail = l(region, QueueLayout.TAIL);
        long head = l(region, QueueLayout.HEAD);
        boolean spsc = type == QueueType.SPSC;
        // MPSC: the consumer's place, which runs ahead of the head during a poll; read before
        // records out, which the consumer stores before it
        long consumed = type == QueueType.MPSC ? l(region, QueueLayout.CONSUMED_TO) : head;
        long paddingIn = spsc ? l(region, QueueLayout.PADDING_IN) : 0;
        long paddingOut = spsc ? l(region, QueueLayout.PADDING_OUT) : 0;
        // SPSC: less the padding between head and tail (the end of a short lap, until the consumer
        // passes it); read racily, so kept within the ring
        long depth = type == QueueType.BROADCAST ? Math.min(tail, capacity)
                : Math.clamp(tail - head - (paddingIn - paddingOut), 0, capacity);
        long recordsOut = l(region, QueueLayout.RECORDS_OUT);
        long recordsIn = type == QueueType.MPSC
                ? recordsOut + committed(region, capacity, consumed - head > 0 ? consumed : head, tail)
                : l(region, QueueLayout.RECORDS_IN);
        return new QueueCounters(type, capacity, depth, recordsIn, recordsOut, tail, head, paddingIn, paddingOut,
                l(region, QueueLayout.SKIPPED),
                l(region, QueueLayout.LAPPED), l(region, QueueLayout.LOST),
                l(region, QueueLayout.PRODUCER_PID) >>> 32, l(region, QueueLayout.CONSUMER_PID) >>> 32);
    }

    /**
     * MPSC: the messages committed between {@code from} (the later of the head and consumed-to:
     * where the consumer goes on) and {@code tail} and not yet taken, found by walking the records
     * there. MPSC producers do not count what they commit, since a shared count costs every
     * message an atomic add (decision 55); records in is records out plus these. Racy, like every
     * counter here, and never below records out: a record the consumer takes while the walk runs
     * may be counted twice (in records out and by the walk), and the walk may stop early where
     * the consumer zeroes what it took. The walk stops at a record not yet marked, and at a header
     * that cannot be right; it reads each header once and at most a ring's worth.
     */
    private static long committed(MemorySegment region, long capacity, long from, long tail) {
        if (((from | tail) & (RecordLayout.ALIGNMENT - 1)) != 0 || tail - from < 0 || tail - from > capacity) {
            return 0; // damaged positions, or the consumer moved on while we read them: nothing to walk
        }
        long committed = 0;
        for (long position = from; position - tail < 0; ) {
            long index = position & (capacity - 1);
            long header = (long) LONG.getAcquire(region, QueueLayout.HEADER_SIZE + index);
            int length = RecordLayout.lengthOf(header);
            int size = length < 0 ? -length : length; // claimed, not committed: the length negated
            if (size < RecordLayout.HEADER || size > capacity - index) {
                break; // not marked yet (0), or damaged: where the next record starts is unknown
            }
            if (length > 0 && RecordLayout.typeOf(header) != RecordLayout.PADDING_TYPE) {
                committed++;
            }
            position += RecordLayout.aligned(size);
        }
        return committed;
    }

    private static boolean alive(long role, long start) {
        return role != 0 && !Liveness.isDead(role >>> 32, start);
    }

    /** An acquire load, pairing with the release store or CAS of the field's writer. */
    private static long l(MemorySegment region, long offset) {
        return (long) LONG.getAcquire(region, offset);
    }
}
