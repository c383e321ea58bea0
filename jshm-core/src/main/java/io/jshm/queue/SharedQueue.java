package io.jshm.queue;

import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.internal.Faults;
import io.jshm.internal.Liveness;
import io.jshm.internal.Waiting;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.jshm.queue.QueueLayout.*;
import static io.jshm.queue.RecordLayout.HEADER;
import static io.jshm.queue.RecordLayout.LENGTH_OFFSET;
import static io.jshm.queue.RecordLayout.PADDING_TYPE;
import static io.jshm.queue.RecordLayout.TYPE_OFFSET;
import static io.jshm.queue.RecordLayout.header;
import static io.jshm.queue.RecordLayout.lengthOf;
import static io.jshm.queue.RecordLayout.typeOf;

/**
 * A message queue in a named shared-memory region: a ring buffer of records that producers in
 * some processes write and consumers in others read, without copying and without system calls
 * while both sides are awake. One class serves the three {@linkplain QueueType types}; they share
 * the layout and record format ({@code docs/layout.md}) and differ only in how a producer
 * reserves space and how a consumer keeps its place.
 * {@snippet :
 * // producer process
 * try (SharedQueue queue = SharedQueue.create("orders", 1 << 20, QueueType.MPSC)) {
 *     queue.offer(1, MemorySegment.ofArray(new byte[]{1, 2, 3}));
 *     MessageClaim claim = new MessageClaim();              // zero-copy: write in place
 *     if (queue.tryClaim(2, 8, claim)) {
 *         claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), 42L);
 *         claim.commit();
 *     }
 * }
 * // consumer process
 * try (SharedQueue queue = SharedQueue.open("orders")) {
 *     queue.receive((type, buffer, offset, length) -> {
 *         // the message, in place, during this call only
 *     }, 100, WaitStrategy.PARK, Duration.ofSeconds(5));
 * }
 * }
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li><b>Roles.</b> An SPSC queue has one producer and one consumer handle at a time, an MPSC
 *       queue one consumer handle, a broadcast queue one producer handle. A handle takes its role
 *       on its first claim or poll; a second live handle gets {@link IllegalStateException}. A
 *       role held by a process that died passes to the next taker. A handle's role is used by one
 *       thread at a time; MPSC producing is safe from any number of threads and processes.</li>
 *   <li><b>MPSC lanes.</b> An MPSC queue made by {@link #createMpsc} may have lanes: rings of
 *       the capacity that one producer handle each has to itself, written by the SPSC protocol
 *       (no atomic instruction per message, nothing zeroed by the consumer). The first thread
 *       that produces through a handle takes a free lane for the handle's life; the handle's
 *       other threads, and handles that find no lane free, share the queue's own ring by
 *       compare-and-set. A lane whose holder died passes to the next handle that looks for
 *       one.</li>
 *   <li><b>Ordering.</b> Messages from one producer (MPSC: one producing thread) arrive in the
 *       order committed; an MPSC consumer takes turns among the rings, so messages of different
 *       producers arrive in no promised order. Every
 *       committed message is delivered to the consumer of an SPSC or MPSC queue exactly once; the
 *       consumer's position lives in the region, so a consumer that dies and is replaced loses
 *       nothing committed. The one exception: a message whose handler was running when its
 *       process died is delivered again, or one whose handler had just returned (the consumer
 *       marks each message consumed in a position of its own as it moves on to the next one;
 *       the position that hands room back to producers moves once per batch).</li>
 *   <li><b>Dead producers.</b> A producer that dies between claim and commit leaves a claimed
 *       record. After the stuck timeout ({@link #setStuckTimeout}, 1 s by default), once the
 *       claiming process is gone, the consumer skips the record and counts it in
 *       {@link QueueCounters#skipped()}. An SPSC producer that dies in a copying {@link #offer}
 *       leaves nothing (its tail moves on commit) and its successor writes over what it began.
 *       A producer in an MPSC lane is an SPSC producer there. A dead or stalled claim holds up
 *       only its own ring. Room reserved in an MPSC queue's shared ring but not yet marked (the
 *       instants between a producer's tail CAS and its mark) names no process: it is skipped
 *       after the stuck timeout whoever holds it, so a producer stalled that long there
 *       (preempted, stopped) loses that message. Keep the stuck timeout well above the stalls
 *       the machine sees.</li>
 *   <li><b>Broadcast.</b> The producer never waits. A consumer receives a private copy of each
 *       message (the producer may overwrite the ring under it), and one that falls a whole ring
 *       behind jumps to the newest message (to the tail, if aborted claims have overwritten that
 *       too), counting exactly how many it lost ({@link #lapped()}, {@link #lost()}).</li>
 *   <li><b>Hostile peers.</b> The header is checked on open (magic, version, type, sizes against
 *       the region). A record whose length is impossible, or a consumer position or tail that is
 *       negative, not 8-byte aligned or more than a ring behind (or ahead of) the other, stops
 *       the consumer with {@link CorruptRegionException} (an SPSC consumer reads the shared
 *       position only when it takes its role, and keeps its own after that); a producer that
 *       finds the tail and head impossible (when the ring looks full, or at once for a misaligned
 *       or negative tail) stops with it too; nothing is read or written outside the ring. (A
 *       damaged position within a ring behind the tail looks like space claimed by producers
 *       that died: the consumer skips it after the stuck timeout and counts it as skipped.)</li>
 *   <li><b>Truncation.</b> If another process shrinks the region while it is mapped, the next
 *       access to a lost page faults; every method of this class then throws
 *       {@link io.jshm.RegionTruncatedException} (the JVM and other regions carry on). Close the
 *       queue.</li>
 *   <li><b>Waiting.</b> {@link #tryClaim}, {@link #offer} and {@link #poll} never wait and never
 *       call the kernel. {@link #send} and {@link #receive} wait with the caller's
 *       {@link WaitStrategy}; a peer makes a system call only while someone sleeps.</li>
 * </ul>
 */
public final class SharedQueue implements AutoCloseable {

    /** The smallest ring a queue may have: 1 KiB. */
    public static final long MIN_CAPACITY = QueueLayout.MIN_CAPACITY;
    /** The largest ring a queue may have: 1 GiB. */
    public static final long MAX_CAPACITY = QueueLayout.MAX_CAPACITY;
    /** The most lanes an MPSC queue may have (see {@link #createMpsc}): 64. */
    public static final int MAX_LANES = QueueLayout.MAX_LANES;
    /** An MPSC consumer's hold-off unless {@link #setClaimHoldOff} says otherwise: 250 ns. */
    public static final Duration DEFAULT_CLAIM_HOLD_OFF = Duration.ofNanos(250);
    private static final Duration MAX_CLAIM_HOLD_OFF = Duration.ofSeconds(1);

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(2);
    /** The most bytes {@link #zero} writes by plain 8-byte stores rather than by {@code fill}. */
    private static final long STORE_ZEROS = 256;
    /**
     * A poller that finds nothing looks past the head (the tail, the clock: a cache miss on the
     * producers' line, which the producer then takes back) once in this many polls, plus one: rare
     * for a busy poller, often enough for one that sleeps a millisecond between polls.
     */
    private static final int STUCK_CHECK_EVERY = (1 << 10) - 1;
    /*
     * COUNTER_STORES. On the SPSC hot paths the counters of records in and out, and on the MPSC
     * consumer's records out, which only their side writes, are stored plainly, each just before
     * a release store (tail, consumed-to, head) that orders it and makes it visible: an opaque
     * store costs about a nanosecond more per message there, as it makes the JIT reload and
     * recheck the segment. An aligned 8-byte plain store is one instruction on every 64-bit
     * platform HotSpot runs on, though the language does not promise it whole (JLS 17.7); the
     * counters are statistics, read racily anyway, and a successor reads its predecessor's only
     * after that one is gone.
     */

    private final String name;
    private final SharedMemory shm;
    private final MemorySegment region;
    private final MemorySegment ring;
    /** Where the park flags, sleeper counts and futex words are: the region's header, or a lane's queue's. */
    private final MemorySegment waitRegion;
    /** MPSC: the lanes, each an SPSC queue in the region (decision 63); empty otherwise, and for a lane. */
    private final SharedQueue[] lanes;
    private final QueueType type;
    private final long capacity;
    private final long mask;
    private final int maxPayload;
    private long shortLap; // SPSC producer: see setShortLap; the capacity (never reached) when off
    /** Identifies this handle as a role holder: pid in the high half, a random non-zero low half. */
    private final long token;
    // MPSC producer: the lane of this handle's lane thread (null if none was free); see producerLane
    private SharedQueue lane;
    private Thread laneThread;
    private int nextPart; // MPSC consumer with lanes: where the next poll starts (the lanes, then the shared ring)

    private boolean producer;
    private boolean consumer;
    private long headCache;
    // What this handle last wrote to fields only its role writes (valid while it holds the role):
    // kept here so that the hot paths store them without loading them first.
    private long tailCache;       // SPSC producer: the tail
    private long tailPublished;   // SPSC producer: the tail it last stored
    private long recordsInCache;  // SPSC producer: records in
    private long paddingInCache;  // SPSC producer: padding in
    private long nextLapCheck;    // SPSC producer: the tail from which it may next end a lap early
    private long paddingOutCache; // SPSC consumer: padding out
    private long recordsOutCache; // consumer: records out
    private long releasedTo = -1; // consumer: the head it last stored (-1: check the header's)
    // Each side's (sleepers << 32 | arrivals) as this handle's last wake of it found them.
    private long consumersAtLastWake = -1;
    private long producersAtLastWake = -1;
    private long stuckTimeoutNanos = TimeUnit.SECONDS.toNanos(1);
    private long stuckPosition = -1;
    private long stuckSince;
    private int emptyPolls;
    private long holdOffNanos = DEFAULT_CLAIM_HOLD_OFF.toNanos(); // MPSC consumer: see setClaimHoldOff
    private boolean holdingOff;
    private long holdOffUntil;
    private final long batchBytes;
    // broadcast consumer state, private to this handle
    private long cursor;
    private long nextSequence;
    private long lapped;
    private long lost;
    private MemorySegment scratch;

    private SharedQueue(String name, SharedMemory shm, QueueType type) {
        this.name = name;
        this.shm = shm;
        this.region = shm.segment();
        this.waitRegion = region;
        this.type = type;
        this.capacity = region.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET);
        this.mask = capacity - 1;
        this.maxPayload = (int) maxPayload(capacity);
        this.ring = region.asSlice(HEADER_SIZE, capacity);
        this.batchBytes = capacity / 4;
        this.shortLap = capacity;
        this.token = (Liveness.MY_PID << 32) | (ThreadLocalRandom.current().nextInt() | 1) & 0xFFFF_FFFFL;
        this.lanes = new SharedQueue[QueueLayout.lanes(region)];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new SharedQueue(this, i);
        }
        if (type == QueueType.BROADCAST) {
            join(); // a broadcast consumer receives what is sent after it opened the queue
        }
    }

    /** MPSC: the handle's view of lane {@code lane}, an SPSC queue that waits and wakes in the parent's header. */
    private SharedQueue(SharedQueue parent, int lane) {
        this.name = parent.name;
        this.shm = parent.shm;
        this.capacity = parent.capacity;
        this.region = parent.region.asSlice(QueueLayout.laneOffset(capacity, lane), HEADER_SIZE + capacity);
        this.waitRegion = parent.region;
        this.type = QueueType.SPSC;
        this.mask = capacity - 1;
        this.maxPayload = parent.maxPayload;
        this.ring = region.asSlice(HEADER_SIZE, capacity);
        this.batchBytes = capacity / 4;
        this.shortLap = capacity;
        this.token = parent.token;
        this.lanes = new SharedQueue[0];
    }

    // ------------------------------------------------------------------ opening

    /**
     * Creates a queue in a new region of {@code 4096 + capacity} bytes that lives until its last
     * handle closes. An MPSC queue made here has no lanes: its producers share one ring (see
     * {@link #createMpsc}).
     *
     * @param capacity bytes of the ring (of each ring, MPSC): a power of two from 1 KiB to 1 GiB;
     *                 the largest message is a quarter of it
     * @throws IllegalArgumentException      if the capacity is not acceptable
     * @throws io.jshm.RegionExistsException if a live region of that name exists
     * @throws io.jshm.JshmException         for the other failures of {@link SharedMemory#create}
     */
    public static SharedQueue create(String name, long capacity, QueueType type) {
        return create(name, capacity, type, SharedMemoryOptions.defaults());
    }

    /**
     * Creates a queue with the given region options (lifetime, mode, prefault).
     *
     * @throws IllegalArgumentException if the capacity is not acceptable
     * @throws io.jshm.JshmException    as {@link SharedMemory#create(String, long, SharedMemoryOptions)}
     */
    public static SharedQueue create(String name, long capacity, QueueType type, SharedMemoryOptions options) {
        Objects.requireNonNull(type, "type");
        return create(name, capacity, type, 0, options);
    }

    /**
     * Creates an MPSC queue with {@code lanes} lanes. A lane is a ring of {@code capacity} bytes
     * that one producer has to itself, an SPSC queue inside the region: the first thread that
     * produces through a handle takes a free lane, if there is one, for the handle's life, and
     * then claims and commits as an SPSC producer does, with no atomic instruction and no zeroing
     * by the consumer (decision 63). Every other producing thread, and every producer when all
     * lanes are taken, shares the queue's own ring, reserving by compare-and-set. The consumer
     * takes turns among the rings; each producer's messages arrive in its order, and messages of
     * different producers in no promised order. Lanes are taken over from processes that died;
     * a lane held by a live handle stays its own until the handle closes.
     *
     * <p>The region has {@code (1 + lanes) * (4096 + capacity)} bytes; a lane's pages are touched
     * only once it is used (unless the options prefault them).
     * {@snippet :
     * // eight producer processes, each with a ring of its own; a ninth would share the queue's
     * try (SharedQueue queue = SharedQueue.createMpsc("ticks", 1 << 20, 8, SharedMemoryOptions.defaults())) {
     *     queue.offer(1, MemorySegment.ofArray(new byte[] {1})); // this thread takes a lane here
     * }
     * }
     *
     * @param lanes 0 to {@link #MAX_LANES}; 0 makes a queue whose producers all share one ring
     * @throws IllegalArgumentException if the capacity or the lanes are not acceptable
     * @throws io.jshm.JshmException    as {@link SharedMemory#create(String, long, SharedMemoryOptions)}
     */
    public static SharedQueue createMpsc(String name, long capacity, int lanes, SharedMemoryOptions options) {
        return create(name, capacity, QueueType.MPSC, lanes, options);
    }

    private static SharedQueue create(String name, long capacity, QueueType type, int lanes,
                                      SharedMemoryOptions options) {
        checkCapacity(capacity);
        QueueLayout.checkLanes(lanes);
        SharedMemory shm = SharedMemory.create(name, QueueLayout.regionSize(capacity, lanes), options);
        try {
            QueueLayout.initialize(shm.segment(), type, capacity, lanes);
            return new SharedQueue(name, shm, type);
        } catch (RuntimeException | Error e) {
            shm.close();
            throw e;
        }
    }

    /**
     * Opens an existing queue, checking its header.
     *
     * @throws io.jshm.NoSuchRegionException if there is no such region
     * @throws CorruptRegionException        if the region is not a queue this jshm can read, or its
     *                                       sizes disagree with the region's
     * @throws io.jshm.JshmException         for the other failures of {@link SharedMemory#open}
     */
    public static SharedQueue open(String name) {
        SharedMemory shm = SharedMemory.open(name);
        try {
            MemorySegment region = shm.segment();
            long deadline = System.nanoTime() + INIT_TIMEOUT.toNanos();
            while (!published(region) && System.nanoTime() - deadline < 0 && region.byteSize() >= HEADER_SIZE) {
                Thread.onSpinWait(); // its creator is writing the header
                Thread.yield();
            }
            return new SharedQueue(name, shm, QueueLayout.verify(region, name));
        } catch (RuntimeException | Error e) {
            shm.close();
            throw e;
        }
    }

    /** {@return the lanes of an MPSC queue (see {@link #createMpsc}); 0 for the other types} */
    public int lanes() {
        return lanes.length;
    }

    /** {@return the queue's name} */
    public String name() {
        return name;
    }

    /** {@return the queue's type} */
    public QueueType type() {
        return type;
    }

    /** {@return the ring's size in bytes} */
    public long capacity() {
        return capacity;
    }

    /** {@return the largest message this queue takes, in bytes (a quarter of the capacity)} */
    public int maxMessageLength() {
        return maxPayload;
    }

    /**
     * Sets how long the consumer waits on a claimed but uncommitted record before it checks
     * whether the claiming process died (and then skips the record).
     */
    public void setStuckTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative stuck timeout: " + timeout);
        }
        this.stuckTimeoutNanos = timeout.toNanos();
        for (SharedQueue l : lanes) {
            l.stuckTimeoutNanos = stuckTimeoutNanos;
        }
    }

    /**
     * Sets how long this handle, as an MPSC consumer, leaves the ring alone after a poll that
     * took messages and then stopped at a record a producer has claimed and is still writing
     * (decision 65). The polls in that time return 0 without reading the ring, and the record is
     * taken by the first poll after it.
     *
     * <p>A consumer that has caught up with a producer and polls again at once reads the cache
     * line the producer is writing, and takes it from the producer's core before the producer has
     * finished with it; the producer waits for the line to come back for each store that follows.
     * Holding off lets the producer finish the record, and often a few more, undisturbed. With
     * the default of 250 ns, one producer streamed 64 B messages to a busy-polling consumer 1.2
     * times as fast as with none on an AMD EPYC VM, and 1.02 to 1.04 times on an Intel Xeon VM
     * (decisions 65 and 67 of {@code docs/decisions.md}). What it costs is latency, and
     * only in a stream: a message that was being written when the consumer caught up arrives up
     * to the hold-off later. A poll that finds the queue empty, or the first message of a burst
     * still being written, starts no hold-off, so a request that arrives alone is not delayed.
     * {@link Duration#ZERO} turns it off.
     *
     * <p>Only this handle's polls change, and only on the queue's own ring (not its lanes, whose
     * producers publish each record whole); the setting is not stored in the region. It has no
     * effect on SPSC and broadcast queues.
     * {@snippet :
     * try (SharedQueue queue = SharedQueue.open("events")) {
     *     queue.setClaimHoldOff(Duration.ZERO); // the lowest latency per message, not the most messages
     * }
     * }
     *
     * @param holdOff from {@link Duration#ZERO} (off) to one second; {@link #DEFAULT_CLAIM_HOLD_OFF} by default
     * @throws IllegalArgumentException if {@code holdOff} is negative or over a second
     */
    public void setClaimHoldOff(Duration holdOff) {
        if (holdOff.isNegative() || holdOff.compareTo(MAX_CLAIM_HOLD_OFF) > 0) {
            throw new IllegalArgumentException("claim hold-off of " + holdOff + " for queue '" + name
                    + "': from 0 (off) to " + MAX_CLAIM_HOLD_OFF);
        }
        this.holdOffNanos = holdOff.toNanos();
        this.holdingOff = false;
    }

    /** {@return this handle's claim hold-off (see {@link #setClaimHoldOff})} */
    public Duration claimHoldOff() {
        return Duration.ofNanos(holdOffNanos);
    }

    /**
     * Lets this handle, as an SPSC producer, end the ring's laps early while the consumer keeps
     * up, so that the two processes cycle through the first {@code bytes} of the ring rather than
     * all of it. Off by default, and what it trades away is why.
     *
     * <p>With short laps on, a producer past ring index {@code bytes} whose consumer is at most
     * {@code bytes / 4} behind pads to the ring's end and goes on at index 0 (the padding is a
     * record like the padding at a ring's end, which every consumer skips). A pair that keeps up
     * then works in a window that stays in the two cores' caches, where a whole ring may not fit:
     * 4 KiB messages through a 1 MiB ring with 64 KiB short laps ran 1.07 to 1.2 times as fast
     * on the machine of {@code docs/benchmarks.md} while rings started 1 KiB into a page, and no
     * faster once they started on a page boundary; measure on yours ({@code bin/jshm bench aa
     * --short-lap}). A consumer that falls behind still gets the whole ring (the producer asks
     * where it is, one load, at index {@code bytes} and then at twice each index it asked at).
     * The price: a consumer that stalls just after a short lap has begun leaves the producer the
     * room before it in the ring, at least {@code bytes * 3/4} less one record, rather than the
     * capacity, until it passes that padding. Use it when the consumer is known to keep up and
     * throughput matters more than the room a stall may need.
     *
     * <p>Only this handle's producing changes; the setting is not stored in the region. The
     * counters tell the padding apart from messages ({@link QueueCounters#paddingIn()}).
     *
     * @param bytes 0 (off, the default), or the short lap: a multiple of 8 from 4096 to a quarter
     *              of the capacity
     * @throws IllegalArgumentException if the queue is not SPSC or {@code bytes} is out of range
     */
    public void setShortLap(long bytes) {
        if (type != QueueType.SPSC) {
            throw new IllegalArgumentException("queue '" + name + "' is " + type + ": short laps are for SPSC queues");
        }
        if (bytes != 0 && (bytes < 4096 || bytes > capacity / 4 || (bytes & (RecordLayout.ALIGNMENT - 1)) != 0)) {
            throw new IllegalArgumentException("short lap of " + bytes + " bytes for queue '" + name + "': 0 (off) or a"
                    + " multiple of " + RecordLayout.ALIGNMENT + " from 4096 to " + capacity / 4 + " (a quarter of the ring)");
        }
        this.shortLap = bytes == 0 ? capacity : bytes;
    }

    MemorySegment ring() {
        return ring;
    }

    // ------------------------------------------------------------------ producing

    /**
     * Claims room for a message of {@code length} bytes, without waiting.
     *
     * @param type   the message type, 0 or more, handed to the consumer
     * @param length the message length, 0 to {@link #maxMessageLength()}
     * @param claim  a claim that is not active, filled in on success
     * @return true if claimed (write, then {@link MessageClaim#commit()}); false if the queue is
     *         full (never for broadcast)
     * @throws IllegalArgumentException if the type is negative or the length out of range
     * @throws IllegalStateException    if another live handle is this queue's producer (SPSC,
     *                                  broadcast), the claim is active, or the queue closed
     */
    public boolean tryClaim(int type, int length, MessageClaim claim) {
        if (claim.queue != null) {
            throw new IllegalStateException("the claim is still active: commit or abort it first");
        }
        SharedQueue ring = this; // or, MPSC, this thread's lane: claimed there directly, as offer does
        long position;
        try {
            SharedQueue lane = producerLane();
            if (lane != null) {
                ring = lane;
            }
            position = ring.claim(type, length);
        } catch (InternalError e) {
            throw truncated("claim", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
        if (position < 0) {
            return false;
        }
        claim.queue = ring;
        claim.position = position;
        claim.index = position & mask;
        claim.type = type;
        claim.length = length;
        return true;
    }

    /**
     * Reserves room for a record and writes its header.
     *
     * @return its position, or -1 if full
     */
    private long claim(int type, long length) {
        return claim(type, length, true);
    }

    /**
     * @param mark whether to mark the record claimed (negative length, claimant's pid) at once; a
     *             copying offer on an SPSC queue, whose commit follows within a copy, needs not: it
     *             moves the tail only when it commits, so a producer that dies in the copy leaves
     *             nothing behind
     */
    private long claim(int type, long length, boolean mark) {
        if (type < 0 || length < 0 || length > maxPayload) {
            throw badMessage(type, length);
        }
        if (!producer && this.type != QueueType.MPSC) {
            takeRole(PRODUCER_PID, PRODUCER_START, "producer");
        }
        int recordLength = HEADER + (int) length;
        int aligned = RecordLayout.aligned(recordLength);
        long position = switch (this.type) {
            case SPSC -> reserveSpsc(ring, aligned);
            case MPSC -> reserveMpsc(aligned);
            case BROADCAST -> reserveBroadcast(aligned);
        };
        if (position < 0) {
            return -1;
        }
        long index = position & mask;
        if (this.type == QueueType.BROADCAST) {
            ring.set(ValueLayout.JAVA_INT, index + TYPE_OFFSET, type);
            ring.set(ValueLayout.JAVA_INT, index + LENGTH_OFFSET, recordLength);
        } else if (mark) {
            // claimed: length and pid in one store; pairs with getAcquire in pollHead
            LONG.setRelease(ring, index + LENGTH_OFFSET, header(-recordLength, (int) Liveness.MY_PID));
            if (this.type == QueueType.SPSC) {
                publishTail(region); // an SPSC tail covers only marked or committed records (a successor resumes there)
            }
        }
        return position;
    }

    /**
     * The lane the calling thread produces through, or null if it shares the queue's ring (and
     * always null for a queue without lanes). The first thread that produces through this handle takes a free lane, if any,
     * and keeps it for the handle's life; every other thread, and that one if none was free,
     * shares the ring, so that each thread's messages stay in one ring, in order.
     */
    private SharedQueue producerLane() {
        if (lanes.length == 0) {
            return null;
        }
        Thread me = Thread.currentThread();
        return laneThread == me ? lane : laneThread == null ? takeLane(me) : null;
    }

    private synchronized SharedQueue takeLane(Thread me) {
        if (laneThread == null) {
            for (int i = 0; i < lanes.length; i++) {
                if (lanes[i].acquireRole(PRODUCER_PID, PRODUCER_START) == 0) {
                    lane = lanes[i];
                    // before the lane's first record: the consumer polls the lanes below the mark
                    for (int used; (used = (int) INT.getVolatile(region, LANES_USED)) < i + 1; ) {
                        if (INT.compareAndSet(region, LANES_USED, used, i + 1)) {
                            break;
                        }
                    }
                    break;
                }
            }
            laneThread = me;
        }
        return laneThread == me ? lane : null;
    }

    /** Out of the hot path, so that a claim stays small enough for the JIT to inline. */
    private IllegalArgumentException badMessage(int type, long length) {
        if (type < 0) {
            return new IllegalArgumentException("message type must be 0 or more, got " + type);
        }
        return new IllegalArgumentException("message of " + length + " bytes does not fit queue '" + name
                + "': the largest is " + maxPayload + " bytes (a quarter of its " + capacity + "-byte capacity)");
    }

    /**
     * Copies a message into the queue, without waiting.
     *
     * @return true if queued, false if the queue is full
     * @throws IllegalArgumentException as {@link #tryClaim}
     */
    public boolean offer(int type, MemorySegment message) {
        long length = message.byteSize();
        try {
            if (this.type == QueueType.SPSC && producer) {
                return offerSpsc(type, message, length);
            }
            if (this.type == QueueType.MPSC) {
                SharedQueue lane = producerLane();
                // straight to the lane's SPSC offer (it holds the role), not through its offer() again
                return lane != null ? lane.offerSpsc(type, message, length) : offerMpsc(type, message, length);
            }
            long position = claim(type, length, this.type != QueueType.SPSC);
            if (position < 0) {
                return false;
            }
            MemorySegment.copy(message, 0, ring, (position & mask) + HEADER, length);
            commitRecord(position, type, (int) length);
            return true;
        } catch (InternalError e) {
            throw truncated("offer", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * The copying offer of a queue's SPSC producer: claim, copy and commit in one method, which
     * the JIT compiles as one, with the segments in locals (it reloads fields and checks the
     * segments' class again after every ordered access otherwise). No claim mark: the tail moves
     * on commit, so a producer that dies in the copy leaves nothing behind.
     */
    private boolean offerSpsc(int type, MemorySegment message, long length) {
        if (type < 0 || length > maxPayload) {
            throw badMessage(type, length);
        }
        MemorySegment ring = this.ring;
        MemorySegment region = this.region;
        int recordLength = HEADER + (int) length;
        long position = reserveSpsc(ring, RecordLayout.aligned(recordLength));
        if (position < 0) {
            return false;
        }
        long index = position & mask;
        MemorySegment.copy(message, 0, ring, index + HEADER, length);
        // commit: type and length in one store; pairs with getAcquire in pollSpsc
        LONG.setRelease(ring, index + LENGTH_OFFSET, header(recordLength, type));
        region.set(ValueLayout.JAVA_LONG, RECORDS_IN, ++recordsInCache); // plain: see COUNTER_STORES
        publishTail(region); // after the commit (see reserveSpsc)
        if ((int) INT.getOpaque(waitRegion, CONSUMERS_PARK) != 0) {
            wakeSleepers(CONSUMERS_PARK, false);
        }
        return true;
    }

    /**
     * The copying offer of an MPSC producer, as {@link #offerSpsc} is SPSC's: reserve (by
     * compare-and-set), mark the record claimed with this process's pid, copy, commit. No
     * producer counts what it commits: records in is derived where it is read (decision 55).
     */
    private boolean offerMpsc(int type, MemorySegment message, long length) {
        if (type < 0 || length > maxPayload) {
            throw badMessage(type, length);
        }
        MemorySegment ring = this.ring;
        int recordLength = HEADER + (int) length;
        long position = reserveMpsc(RecordLayout.aligned(recordLength));
        if (position < 0) {
            return false;
        }
        long index = position & mask;
        // claimed: length and pid in one store; pairs with getAcquire in pollHead
        LONG.setRelease(ring, index + LENGTH_OFFSET, header(-recordLength, (int) Liveness.MY_PID));
        MemorySegment.copy(message, 0, ring, index + HEADER, length);
        // commit: type and length in one store; pairs with getAcquire in pollHead
        LONG.setRelease(ring, index + LENGTH_OFFSET, header(recordLength, type));
        if ((int) INT.getOpaque(region, CONSUMERS_PARK) != 0) {
            wakeSleepers(CONSUMERS_PARK, false);
        }
        return true;
    }

    /**
     * Copies a message of type 0 into the queue, without waiting.
     *
     * @return false if full
     */
    public boolean offer(byte[] message) {
        return offer(0, MemorySegment.ofArray(message));
    }

    /**
     * Copies a message into the queue, waiting while it is full.
     *
     * @param timeout how long to wait at most; null waits as long as it takes
     * @return true if queued, false if the timeout passed
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean send(int type, MemorySegment message, WaitStrategy wait, Duration timeout)
            throws InterruptedException {
        SharedQueue lane;
        try {
            lane = producerLane();
        } catch (InternalError e) {
            throw truncated("send", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
        if (lane != null) {
            return lane.send(type, message, wait, timeout);
        }
        long deadline = Waiting.deadline(timeout);
        // Room for the record even if padding to the ring's end comes first.
        long needed = 2L * RecordLayout.aligned(HEADER + (int) Math.min(message.byteSize(), maxPayload));
        for (int idle = 0; ; idle++) {
            if (offer(type, message)) {
                return true;
            }
            if (Waiting.expired(deadline)) {
                return false;
            }
            try {
                idle(wait, idle, deadline, PRODUCERS_PARK, () -> hasSpace(needed));
            } catch (InternalError e) {
                throw truncated("send", e);
            }
        }
    }

    void commit(long position, int type, int length) {
        try {
            commitRecord(position, type, length);
        } catch (InternalError e) {
            throw truncated("commit", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    private void commitRecord(long position, int type, int length) {
        long index = position & mask;
        int recordLength = HEADER + length;
        if (this.type == QueueType.BROADCAST) {
            publishBroadcast(position, RecordLayout.aligned(recordLength), true);
        } else {
            // commit: type and length in one store; pairs with getAcquire in pollHead
            LONG.setRelease(ring, index + LENGTH_OFFSET, header(recordLength, type));
            if (this.type == QueueType.SPSC) { // MPSC producers do not count (decision 55)
                LONG.setOpaque(region, RECORDS_IN, ++recordsInCache); // the only writer: no load
                publishTail(region); // after the commit (see reserveSpsc)
            }
        }
        wakeSleepers(CONSUMERS_PARK, this.type == QueueType.BROADCAST);
    }

    void abort(long position, int length) {
        try {
            abortRecord(position, length);
        } catch (InternalError e) {
            throw truncated("abort", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    private void abortRecord(long position, int length) {
        long index = position & mask;
        int recordLength = HEADER + length;
        if (type == QueueType.BROADCAST) {
            ring.set(ValueLayout.JAVA_INT, index + TYPE_OFFSET, PADDING_TYPE);
            publishBroadcast(position, RecordLayout.aligned(recordLength), false);
        } else {
            if (type == QueueType.SPSC) {
                wrotePadding(RecordLayout.aligned(recordLength));
            }
            // type and length in one store; pairs with getAcquire in pollHead
            LONG.setRelease(ring, index + LENGTH_OFFSET, header(recordLength, PADDING_TYPE));
        }
    }

    /**
     * SPSC / MPSC: reserves {@code aligned} bytes (plus padding to the ring's end).
     * {@return the record's position, or -1 if full}
     *
     * <p>The two types keep the ring's free space apart from stale bytes differently. MPSC: the
     * consumer zeroes what it consumed, since a producer cannot know where another's record will
     * start. SPSC: the consumer writes nothing into the ring (so the ring's cache lines only ever
     * travel from producer to consumer, the cost that sets an SPSC stream's speed); instead the
     * producer zeroes the header after its record (and, before padding, the header at the ring's
     * start) before the commit that lets the consumer reach it, so that the consumer finds there
     * either zero or a newer header, never a stale one. That header must be free too, so an SPSC
     * reservation needs 8 bytes more room than the record. The SPSC tail moves on commit, or on
     * the mark of a zero-copy claim, never before the record's header says what it is.
     */
    private long reserveSpsc(MemorySegment ring, int aligned) {
        long tail = tailCache; // the only writer
        long index = tail & mask;
        long padding = padding(index, aligned);
        if (padding == 0 && index >= shortLap && tail - nextLapCheck >= 0) {
            padding = endLapEarly(tail, index, aligned);
        }
        long end = tail + padding + aligned;
        if (looksFull(tail, end + HEADER) && stillFull(tail, end + HEADER, false)) {
            return -1;
        }
        tailCache = end;
        if (padding > 0) {
            pad(index, padding);
        }
        ring.set(ValueLayout.JAVA_LONG, end & mask, 0L); // the next record's header
        return tail + padding;
    }

    /**
     * SPSC: writes padding of {@code padding} bytes at ring index {@code index}, to the ring's end
     * (out of line, to keep {@link #reserveSpsc} small enough to inline: padding comes once a lap).
     */
    private void pad(long index, long padding) {
        ring.set(ValueLayout.JAVA_LONG, 0, 0L); // the record's own header, where the padding leads
        // type and length in one store; pairs with getAcquire in pollSpsc
        LONG.setRelease(ring, index + LENGTH_OFFSET, header((int) padding, PADDING_TYPE));
        wrotePadding(padding);
    }

    /** SPSC: counts padding (or an aborted record) of {@code bytes} that the producer has written. */
    private void wrotePadding(long bytes) {
        paddingInCache += bytes;
        region.set(ValueLayout.JAVA_LONG, PADDING_IN, paddingInCache); // plain: see COUNTER_STORES
    }

    /**
     * SPSC: whether this lap of the ring ends early, here at {@code index}, before a record of
     * {@code aligned} bytes (see {@link #setShortLap}): only if the consumer is at most a quarter
     * of a short lap behind, and the record then fits before the consumer's position. Asks again
     * at twice this index if not.
     * {@return the padding to the ring's end if it does, else 0}
     */
    private long endLapEarly(long tail, long index, int aligned) {
        nextLapCheck = tail + index;
        long head = (long) LONG.getAcquire(region, HEAD); // pairs with setRelease in release
        long behind = tail - head;
        if (behind < 0 || behind > capacity) {
            return 0; // impossible: the usual path, with the head it caches, will say so
        }
        headCache = head;
        if (behind > shortLap / 4 || behind + aligned + HEADER > index) {
            return 0;
        }
        nextLapCheck = tail;
        return capacity - index;
    }

    /** MPSC: as {@link #reserveSpsc}, the tail taken by compare-and-set. */
    private long reserveMpsc(int aligned) {
        while (true) {
            long tail = (long) LONG.getVolatile(region, TAIL);
            long index = tail & mask;
            long padding = padding(index, aligned);
            long end = tail + padding + aligned;
            if (looksFull(tail, end) && stillFull(tail, end, true)) {
                if ((long) LONG.getVolatile(region, TAIL) != tail) {
                    continue; // another producer won
                }
                return -1;
            }
            if (!LONG.compareAndSet(region, TAIL, tail, end)) {
                continue;
            }
            if (padding > 0) {
                // type and length in one store; pairs with getAcquire in pollHead
                LONG.setRelease(ring, index + LENGTH_OFFSET, header((int) padding, PADDING_TYPE));
            }
            return tail + padding;
        }
    }

    /** {@return the padding a record of {@code aligned} bytes at ring index {@code index} needs first} */
    private long padding(long index, int aligned) {
        return aligned > capacity - index ? capacity - index : 0;
    }

    /**
     * {@return whether, by the cached head, the ring has no room up to {@code end}} Unsigned, with
     * a misaligned tail's low bits moved to the top: a tail or head that a hostile peer damaged
     * takes the slow path too, and is told from a full ring there.
     */
    private boolean looksFull(long tail, long end) {
        return Long.compareUnsigned(end - headCache | tail << 61, capacity) > 0;
    }

    /**
     * The slow path of reserving: the ring looks full. Reads the head afresh.
     * {@return whether it is still full}
     *
     * @throws CorruptRegionException if the tail and head are impossible (negative, misaligned, the
     *                                head past the tail or more than a ring behind it)
     */
    private boolean stillFull(long tail, long end, boolean many) {
        headCache = (long) LONG.getAcquire(region, HEAD); // pairs with setRelease in release
        if (!looksFull(tail, end)) {
            return false;
        }
        long head = headCache;
        if (((tail | head) & (Long.MIN_VALUE | RecordLayout.ALIGNMENT - 1)) != 0 || tail - head < 0
                || tail - head > capacity) {
            if (many && (long) LONG.getVolatile(region, TAIL) != tail) {
                return true; // another producer moved the tail: the caller tries again
            }
            throw corrupt(name, "producer sees tail " + tail + " and consumer position " + head + ": impossible for"
                    + " a ring of " + capacity + " bytes (both multiples of " + RecordLayout.ALIGNMENT
                    + ", the tail at most a ring ahead); the producer stops here");
        }
        return true;
    }

    /**
     * SPSC: stores the tail up to what this producer has reserved, unless it stands there already
     * (a zero-copy claim stored it with its mark, and its commit need not again). Pairs with
     * getAcquire in takeRole and the counters.
     */
    private void publishTail(MemorySegment region) {
        if (tailPublished != tailCache) {
            LONG.setRelease(region, TAIL, tailCache);
            tailPublished = tailCache;
        }
    }

    /**
     * Broadcast: reserves room by announcing the tail intent; never fails.
     *
     * @return the record's position
     */
    private long reserveBroadcast(int aligned) {
        long tail = (long) LONG.getOpaque(region, TAIL);
        if ((tail & (Long.MIN_VALUE | RecordLayout.ALIGNMENT - 1)) != 0) {
            throw corrupt(name, "tail " + tail + " is negative or not a multiple of " + RecordLayout.ALIGNMENT
                    + "; the producer stops here");
        }
        long index = tail & mask;
        long padding = aligned > capacity - index ? capacity - index : 0;
        LONG.setRelease(region, TAIL_INTENT, tail + padding + aligned);
        VarHandle.storeStoreFence(); // consumers must see the intent before any byte it covers changes
        if (padding > 0) {
            ring.set(ValueLayout.JAVA_INT, index + TYPE_OFFSET, PADDING_TYPE);
            ring.set(ValueLayout.JAVA_INT, index + LENGTH_OFFSET, (int) padding);
        }
        return tail + padding;
    }

    private void publishBroadcast(long position, int aligned, boolean message) {
        if (message) {
            long sequence = (long) LONG.getOpaque(region, RECORDS_IN) + 1;
            LONG.setOpaque(region, RECORDS_IN, sequence);
            LONG.setOpaque(region, LATEST_POSITION, position);
            LONG.setOpaque(region, LATEST_SEQUENCE, sequence);
        }
        LONG.setRelease(region, TAIL, position + aligned); // pairs with getAcquire in pollBroadcast
    }

    private boolean hasSpace(long needed) {
        long tail = (long) LONG.getVolatile(region, TAIL);
        return capacity - (tail - (long) LONG.getVolatile(region, HEAD)) >= needed;
    }

    // ------------------------------------------------------------------ consuming

    /**
     * Hands up to {@code limit} messages to {@code handler}, in place, without waiting. An MPSC
     * consumer's poll may return 0 for up to its {@linkplain #setClaimHoldOff claim hold-off}
     * (250 ns by default) after a poll that took messages and stopped at one still being written.
     *
     * @return how many messages were handled
     * @throws IllegalStateException  if another live handle is this queue's consumer (SPSC, MPSC)
     * @throws CorruptRegionException if a record or the consumer position is impossible (the queue's
     *                                memory was damaged)
     */
    public int poll(MessageHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        try {
            if (type == QueueType.BROADCAST) {
                return pollBroadcast(handler, limit);
            }
            if (!consumer) {
                takeRole(CONSUMER_PID, CONSUMER_START, "consumer");
            }
            return pollHead(handler, limit, false);
        } catch (InternalError e) {
            throw truncated("poll", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /** {@return the next message's bytes (type dropped), or null if the queue is empty} */
    public byte[] poll() {
        byte[][] out = new byte[1][];
        poll((t, buffer, offset, length) -> out[0] = buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), 1);
        return out[0];
    }

    /**
     * Hands up to {@code limit} messages to {@code handler}, waiting for at least one.
     *
     * @param timeout how long to wait at most; null waits as long as it takes
     * @return how many messages were handled; 0 if the timeout passed
     * @throws InterruptedException if interrupted while waiting
     */
    public int receive(MessageHandler handler, int limit, WaitStrategy wait, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(handler, "handler");
        long deadline = Waiting.deadline(timeout);
        try {
            return receiveUntil(handler, limit, wait, deadline);
        } catch (InternalError e) {
            throw truncated("receive", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    private int receiveUntil(MessageHandler handler, int limit, WaitStrategy wait, long deadline)
            throws InterruptedException {
        for (int idle = 0; ; idle++) {
            int n;
            if (type == QueueType.BROADCAST) {
                n = pollBroadcast(handler, limit);
            } else {
                if (!consumer) {
                    takeRole(CONSUMER_PID, CONSUMER_START, "consumer");
                }
                // before yielding or sleeping, look for a stuck record too
                n = pollHead(handler, limit, wait != WaitStrategy.BUSY_SPIN && idle >= Waiting.SPINS);
            }
            if (n > 0) {
                return n;
            }
            if (Waiting.expired(deadline)) {
                return 0;
            }
            idle(wait, idle, deadline, CONSUMERS_PARK, this::hasDataHint);
        }
    }

    private int pollHead(MessageHandler handler, int limit, boolean checkStuckNow) {
        if (type == QueueType.SPSC) {
            return pollSpsc(handler, limit, checkStuckNow);
        }
        if (lanes.length == 0) {
            return heldOff() ? 0 : pollMpsc(handler, limit, checkStuckNow);
        }
        return pollLanes(handler, limit, checkStuckNow);
    }

    /**
     * The MPSC consumer of a queue with lanes: polls the lanes (as an SPSC consumer each) and
     * then the shared ring, each poll starting one ring further on, so that a busy ring cannot
     * keep the others waiting for more than a poll.
     */
    private int pollLanes(MessageHandler handler, int limit, boolean checkStuckNow) {
        SharedQueue[] lanes = this.lanes;
        int used = lanesUsed();
        int parts = used + 1; // the lanes ever taken, then the shared ring
        int part = nextPart < parts ? nextPart : 0;
        nextPart = part + 1;
        int count = 0;
        for (int k = 0; k < parts && count < limit; k++) {
            if (part != used) {
                count += lanes[part].pollSpsc(handler, limit - count, checkStuckNow);
            } else if (!heldOff() && (long) LONG.getOpaque(region, TAIL) != releasedTo) {
                // the shared ring, unless this handle holds off from it (setClaimHoldOff) or no producer
                // has reserved room past where we last released (one load of a line that, while every
                // producer has a lane, nobody writes)
                count += pollMpsc(handler, limit - count, checkStuckNow);
            }
            part = part + 1 == parts ? 0 : part + 1;
        }
        return count;
    }

    /** MPSC: the lanes ever taken (the producers' high-water mark), at most the lanes there are. */
    private int lanesUsed() {
        int used = (int) INT.getAcquire(region, LANES_USED); // pairs with the CAS in takeLane
        return used < 0 ? 0 : Math.min(used, lanes.length); // a hostile peer's value is only a hint
    }

    /**
     * The MPSC consumer. It marks a record done as the SPSC consumer does, in <em>consumed to</em>
     * (on a line of the consumer's own) as it moves on to the next record, with records out; so
     * it writes nothing into the ring while it reads. What it consumed it zeroes when it hands
     * the room back ({@link #releaseMpsc}), at the end of the poll and every quarter ring.
     */
    private int pollMpsc(MessageHandler handler, int limit, boolean checkStuckNow) {
        MemorySegment region = this.region;
        long head = (long) LONG.getOpaque(region, HEAD); // written only by the consumer: us
        if (head != releasedTo) {
            head = checkHead(head); // not what we stored last: taken over, or damaged
        }
        MemorySegment ring = this.ring;
        long mask = this.mask;
        long start = head;
        long marked = head;
        int count = 0;
        try {
            while (count < limit) {
                if (head != marked) {
                    markConsumed(region, head);
                    marked = head;
                }
                if (head - start >= batchBytes) {
                    // Hand room back every quarter ring, so that producers have room meanwhile
                    // (and never let a batch span the ring: zeroing it would wipe what follows).
                    releaseMpsc(start, head, false); // marked just now
                    start = head;
                }
                long index = head & mask;
                // length and type in one load; pairs with setRelease in commit, reserve and abort
                long header = (long) LONG.getAcquire(ring, index + LENGTH_OFFSET);
                int length = lengthOf(header);
                int recordType = typeOf(header);
                long aligned;
                if (length > 0) {
                    aligned = RecordLayout.aligned(length);
                    if (deliver(handler, ring, head, index, length, recordType, aligned)) {
                        count++;
                        recordsOutCache++;
                    }
                } else {
                    aligned = notCommitted(head, index, length, recordType, checkStuckNow);
                    if (aligned == 0) {
                        if (length < 0 && count > 0) {
                            holdOff(); // caught up with a producer mid-write
                        }
                        break;
                    }
                }
                head += aligned;
            }
        } finally {
            if (head != start) {
                releaseMpsc(start, head, head != marked);
            }
        }
        return count;
    }

    /**
     * The SPSC consumer: reads the ring and writes nothing into it (see {@link #reserveSpsc}). A
     * record is marked done, for a successor to resume after it, by <em>consumed to</em> (on a
     * line of the consumer's own) as the consumer moves on to the next record, or by the head,
     * which moves at the end of the poll and every quarter ring (the producer reads it when the
     * ring looks full); records out is stored with either. So a poll of one message stores only
     * the head, and a consumer that dies after a handler returns but before either store
     * delivers that one message again, as one that dies in the handler does.
     */
    private int pollSpsc(MessageHandler handler, int limit, boolean checkStuckNow) {
        // Only the role's holder writes the head, so it reads its own copy: the shared head is
        // read and checked once, when the role is taken (a peer that damages it later is
        // overwritten at the next release; the producer checks what it reads there).
        long head = releasedTo >= 0 ? releasedTo : checkHead((long) LONG.getOpaque(region, HEAD));
        // In locals, the segments stay in registers across the ordered accesses below, which make
        // the JIT reload fields (and check the segments' class again) at every one.
        MemorySegment ring = this.ring;
        MemorySegment region = this.region;
        long mask = this.mask;
        long start = head;
        long marked = head;
        int count = 0;
        try {
            while (count < limit) {
                if (head != marked) {
                    markConsumed(region, head);
                    marked = head;
                }
                if (head - start >= batchBytes) {
                    release(region, head); // hand room back every quarter ring
                    start = head;
                }
                long index = head & mask;
                // length and type in one load; pairs with setRelease in commit, reserve and abort
                long header = (long) LONG.getAcquire(ring, index + LENGTH_OFFSET);
                int length = lengthOf(header);
                int recordType = typeOf(header);
                long aligned;
                if (length > 0) {
                    aligned = RecordLayout.aligned(length);
                    if (deliver(handler, ring, head, index, length, recordType, aligned)) {
                        count++;
                        recordsOutCache++;
                    } else {
                        passedPadding(aligned);
                    }
                } else if (length == 0) {
                    break; // nothing published here yet: the producer zeroed this header before
                } else {
                    aligned = notCommitted(head, index, length, recordType, checkStuckNow); // claimed
                    if (aligned == 0) {
                        break;
                    }
                }
                head += aligned;
            }
        } finally {
            if (head != start) {
                release(region, head);
            }
        }
        return count;
    }

    /**
     * The consumer (SPSC, MPSC): marks the records before {@code head} done, with records out
     * (plain: see COUNTER_STORES) and then consumed-to (getAcquire in checkHead and the counters).
     */
    private void markConsumed(MemorySegment region, long head) {
        region.set(ValueLayout.JAVA_LONG, RECORDS_OUT, recordsOutCache);
        LONG.setRelease(region, CONSUMED_TO, head);
    }

    /** MPSC: the consumer holds off from the ring for {@link #holdOffNanos} (see {@link #setClaimHoldOff}). */
    private void holdOff() {
        if (holdOffNanos > 0) {
            holdOffUntil = System.nanoTime() + holdOffNanos;
            holdingOff = true;
        }
    }

    /**
     * {@return whether a hold-off begun by {@link #holdOff} lasts} Ends it if not. Reads the clock
     * only while one is on.
     */
    private boolean heldOff() {
        if (!holdingOff) {
            return false;
        }
        if (System.nanoTime() - holdOffUntil < 0) {
            return true;
        }
        holdingOff = false;
        return false;
    }

    /**
     * SPSC: counts padding (or an aborted record) of {@code aligned} bytes that the consumer has
     * passed; out of line, to keep {@link #pollSpsc} within the JIT's inlining limit (325 bytes
     * of bytecode).
     */
    private void passedPadding(long aligned) {
        paddingOutCache += aligned;
        region.set(ValueLayout.JAVA_LONG, PADDING_OUT, paddingOutCache); // plain: see COUNTER_STORES
    }

    /**
     * SPSC: hands the room up to {@code head} back to the producer (nothing to zero: see
     * {@link #reserveSpsc}), with records out up to there.
     */
    private void release(MemorySegment region, long head) {
        // plain (see COUNTER_STORES); at worst a redelivered message counts twice
        region.set(ValueLayout.JAVA_LONG, RECORDS_OUT, recordsOutCache);
        LONG.setRelease(region, HEAD, head); // pairs with getAcquire in stillFull
        releasedTo = head;
        if ((int) INT.getOpaque(waitRegion, PRODUCERS_PARK) != 0) { // small enough for the JIT to inline into a poll
            wakeSleepers(PRODUCERS_PARK, true);
        }
    }

    /**
     * Checks a head that is not the one this handle stored last (it has just taken the role, or a
     * peer damaged the header), and resumes after the last record the predecessor was done with,
     * which may be past the head. MPSC: the predecessor may have died while zeroing what it had
     * consumed, so what lies between the two is zeroed again before the head moves.
     * {@return the head to read from}
     */
    private long checkHead(long head) {
        if (head < 0 || (head & (RecordLayout.ALIGNMENT - 1)) != 0) {
            throw corrupt(name, "consumer position " + head + " is negative or not a multiple of "
                    + RecordLayout.ALIGNMENT + "; the consumer stops here");
        }
        long consumed = (long) LONG.getAcquire(region, CONSUMED_TO); // and so sees what was zeroed before it
        // Consumed-to may lag an SPSC head by any distance (polls that end at their limit mark
        // their last record by the head alone), but is never more than a ring ahead of it; an
        // MPSC consumer's is never behind its head, nor past the tail.
        if (consumed < 0 || (consumed & (RecordLayout.ALIGNMENT - 1)) != 0 || consumed - head > capacity) {
            throw corrupt(name, "consumer position " + head + " and consumed-to " + consumed
                    + " are impossible (multiples of " + RecordLayout.ALIGNMENT + ", consumed-to at most a ring"
                    + " of " + capacity + " bytes ahead); the consumer stops here");
        }
        if (consumed > head) { // a predecessor died mid-batch (or a peer damaged the head)
            if (type == QueueType.MPSC) {
                long tail = (long) LONG.getAcquire(region, TAIL);
                if (consumed > tail) {
                    throw corrupt(name, "consumed-to " + consumed + " is past the tail " + tail
                            + "; the consumer stops here");
                }
                zero(head, consumed);
            }
            head = consumed;
            LONG.setRelease(region, HEAD, head); // the zeroes before the head; pairs with getAcquire in stillFull
        }
        releasedTo = head;
        return head;
    }

    /**
     * MPSC: hands {@code [start, end)}, whose records are all consumed, back to the producers.
     * Consumed-to moves to its end first, unless {@code mark} is false because the poll has just
     * marked it there (a successor of a consumer that dies in what follows resumes there and
     * zeroes the range again); then the range is zeroed in one go (so that stale bytes never look
     * like a header when the ring comes round); then the head moves once (as Agrona's does per
     * read), so that producers waiting for room refresh their view of the head once per batch,
     * not once per record.
     */
    private void releaseMpsc(long start, long end, boolean mark) {
        if (mark) {
            markConsumed(region, end);
        }
        VarHandle.storeStoreFence(); // no zero before the mark
        zero(start, end);
        LONG.setRelease(region, HEAD, end); // the zeroes before the head; pairs with getAcquire in stillFull
        releasedTo = end;
        wakeSleepers(PRODUCERS_PARK, true);
    }

    /**
     * Zeroes the ring from position {@code start} to {@code end} (at most a ring). Up to
     * {@link #STORE_ZEROS} bytes (a poll of a small message or two) by 8-byte stores, which cost
     * less than a call of {@code fill}; more by one byte store and a {@code fill} from the odd
     * address after it, which the JDK does with its byte fill (wide vector stores) rather than
     * the word-at-a-time fill it keeps for 8-byte-aligned ranges (decision 66; Agrona's
     * {@code UnsafeBuffer.setMemory} has the same trick). No peer reads the range meanwhile: its
     * records are consumed, and no producer may reserve it again until the head moves.
     */
    private void zero(long start, long end) {
        long first = start & mask;
        if (end - start <= STORE_ZEROS && end - start <= capacity - first) {
            for (long i = first, last = first + (end - start); i < last; i += RecordLayout.ALIGNMENT) {
                ring.set(ValueLayout.JAVA_LONG, i, 0L);
            }
            return;
        }
        for (long p = start; p < end; ) {
            long index = p & mask;
            long chunk = Math.min(end - p, capacity - index);
            ring.set(ValueLayout.JAVA_BYTE, index, (byte) 0);
            ring.asSlice(index + 1, chunk - 1).fill((byte) 0);
            p += chunk;
        }
    }

    /**
     * The record at the head is not committed. Looks further only now and then (see
     * {@link #STUCK_CHECK_EVERY}), or at once if {@code now} (receive() asks before every sleep).
     * {@return bytes to skip, or 0 to stop here}
     */
    private long notCommitted(long head, long index, int length, int claimant, boolean now) {
        if (!now && (++emptyPolls & STUCK_CHECK_EVERY) != 0) {
            return 0;
        }
        return stuckRecord(head, index, length, claimant);
    }

    /**
     * The record at the head is not committed: claimed (negative length) or not yet even marked
     * (zero length, while the tail is past it). {@return bytes to skip, or 0 to wait}
     */
    private long stuckRecord(long head, long index, int length, int claimant) {
        if (length == 0) {
            long tail = (long) LONG.getAcquire(region, TAIL);
            if (head == tail) {
                return 0; // empty
            }
            if (tail - head < 0 || tail - head > capacity || (tail & (RecordLayout.ALIGNMENT - 1)) != 0) {
                throw corrupt(name, "consumer position " + head + " and tail " + tail + " are impossible: the tail"
                        + " must be a multiple of " + RecordLayout.ALIGNMENT + ", at most " + capacity
                        + " bytes ahead; the consumer stops here");
            }
        }
        long now = System.nanoTime();
        if (head != stuckPosition) {
            stuckPosition = head;
            stuckSince = now;
            return 0;
        }
        if (now - stuckSince < stuckTimeoutNanos) {
            return 0;
        }
        long skip;
        if (length < 0) {
            if (!Liveness.isDead(claimant, 0)) {
                return 0; // its producer lives: slow, not dead
            }
            skip = RecordLayout.aligned(-length);
            checkRecord(head, index, -length, 0, skip);
        } else {
            // Claimed by a producer that died before marking it: the gap runs to the next marked record.
            long tail = (long) LONG.getAcquire(region, TAIL);
            long limit = Math.min(capacity - index, tail - head);
            skip = limit;
            for (long p = RecordLayout.ALIGNMENT; p < limit; p += RecordLayout.ALIGNMENT) {
                if ((int) INT.getAcquire(ring, index + p) != 0) {
                    skip = p;
                    break;
                }
            }
            if ((int) INT.getAcquire(ring, index + LENGTH_OFFSET) != 0) {
                // Its producer was only slow, and marked it during the scan, which may then have
                // stopped inside that record's payload: skipping would lose it, and parse garbage.
                return 0;
            }
        }
        LONG.getAndAdd(region, SKIPPED, 1L);
        stuckPosition = -1;
        return skip;
    }

    /**
     * Checks the committed record at {@code position} (ring index {@code index}) and hands it to
     * the handler, in place, unless it is padding. {@return whether it was a message}
     */
    private boolean deliver(MessageHandler handler, MemorySegment ring, long position, long index, int length,
                            int recordType, long aligned) {
        checkRecord(position, index, length, recordType, aligned);
        if (recordType == PADDING_TYPE) {
            return false;
        }
        handler.onMessage(recordType, ring, index + HEADER, length - HEADER);
        return true;
    }

    /**
     * Checks a record's header against what a producer can write: a message of 0 to
     * {@code maxPayload} bytes, or padding of at least 8, ending within the ring.
     *
     * @throws CorruptRegionException if it is not so
     */
    private void checkRecord(long position, long index, int length, int recordType, long aligned) {
        // one unsigned comparison for both bounds of a message's length
        boolean bad = recordType >= 0 ? Integer.compareUnsigned(length - HEADER, maxPayload) > 0
                : recordType != PADDING_TYPE || length < RecordLayout.ALIGNMENT;
        if (bad || aligned > capacity - index) {
            throw badRecord(position, length, recordType); // out of line: the check inlines into the polls
        }
    }

    private CorruptRegionException badRecord(long position, int length, int recordType) {
        return corrupt(name, "impossible record at position " + position + ": length " + length + ", type "
                + recordType + " (ring of " + capacity + " bytes, largest message " + maxPayload
                + "); the consumer stops here");
    }

    private int pollBroadcast(MessageHandler handler, int limit) {
        if (scratch == null) {
            scratch = Arena.ofAuto().allocate(Math.max(8, maxPayload), 8);
        }
        int count = 0;
        while (count < limit) {
            long tail = (long) LONG.getAcquire(region, TAIL); // pairs with setRelease in publishBroadcast
            if (cursor == tail) {
                break;
            }
            if (tail - cursor > capacity) {
                lappedBy();
                continue;
            }
            long index = cursor & mask;
            int length = ring.get(ValueLayout.JAVA_INT, index + LENGTH_OFFSET);
            int recordType = ring.get(ValueLayout.JAVA_INT, index + TYPE_OFFSET);
            long aligned = RecordLayout.aligned(length);
            boolean padding = recordType == PADDING_TYPE;
            boolean sane = length >= RecordLayout.ALIGNMENT && aligned <= capacity - index
                    && (padding || (length >= HEADER && recordType >= 0 && length - HEADER <= maxPayload));
            if (sane && !padding) {
                MemorySegment.copy(ring, index + HEADER, scratch, 0, length - HEADER);
            }
            VarHandle.loadLoadFence(); // the reads above complete before the intent is checked
            if ((long) LONG.getOpaque(region, TAIL_INTENT) - cursor > capacity) {
                lappedBy(); // overwritten while we read: what we copied is not to be trusted
                continue;
            }
            if (!sane) {
                throw corrupt(name, "impossible record at position " + cursor + ": length " + length + ", type "
                        + recordType);
            }
            cursor += aligned;
            if (!padding) {
                nextSequence++;
                count++;
                handler.onMessage(recordType, scratch, 0, length - HEADER);
            }
        }
        return count;
    }

    /** A broadcast consumer starts after the newest message. */
    private void join() {
        while (true) {
            long tail = (long) LONG.getAcquire(region, TAIL);
            long records = (long) LONG.getOpaque(region, RECORDS_IN);
            VarHandle.loadLoadFence();
            if ((long) LONG.getOpaque(region, TAIL) == tail) {
                if (tail < 0 || (tail & (RecordLayout.ALIGNMENT - 1)) != 0) {
                    throw corrupt(name, "tail " + tail + " is negative or not a multiple of " + RecordLayout.ALIGNMENT);
                }
                cursor = tail;
                nextSequence = records + 1;
                return;
            }
        }
    }

    /**
     * Lapped: jump to the newest message and count what was lost. If the newest message is gone
     * too (aborted claims publish no message, so they can overwrite it, or be about to), jump to
     * the tail and count it lost as well: jumping back to it would find it overwritten again.
     */
    private void lappedBy() {
        for (int spins = 0; ; spins++) {
            long tail = (long) LONG.getAcquire(region, TAIL); // pairs with setRelease in publishBroadcast
            long position = (long) LONG.getOpaque(region, LATEST_POSITION);
            long sequence = (long) LONG.getOpaque(region, LATEST_SEQUENCE);
            VarHandle.loadLoadFence();
            // The producer announces its intent before it writes the latest fields and moves the
            // tail after them: while the two differ, a write is under way and the pair may be torn.
            long intent = (long) LONG.getOpaque(region, TAIL_INTENT);
            if (intent - tail < 0) {
                throw corrupt(name, "tail intent " + intent + " is behind the tail " + tail
                        + "; the consumer stops here");
            }
            if ((long) LONG.getOpaque(region, TAIL) != tail || intent != tail && spins < Waiting.SPINS * 64) {
                Thread.onSpinWait(); // a commit takes nanoseconds; a producer slow (or dead) in one is not waited for
                continue;
            }
            if (tail < 0 || position < 0 || ((tail | position) & (RecordLayout.ALIGNMENT - 1)) != 0
                    || position - tail > capacity) {
                throw corrupt(name, "newest message at " + position + " and tail " + tail
                        + " are impossible (ring of " + capacity + " bytes); the consumer stops here");
            }
            long missed;
            if (tail - position > capacity || intent - position > capacity) {
                missed = Math.max(0, sequence + 1 - nextSequence);
                cursor = tail;
                nextSequence = sequence + 1;
            } else {
                missed = Math.max(0, sequence - nextSequence);
                cursor = position;
                nextSequence = sequence;
            }
            lapped++;
            lost += missed;
            LONG.getAndAdd(region, LAPPED, 1L);
            LONG.getAndAdd(region, LOST, missed);
            return;
        }
    }

    /** {@return how many times this broadcast consumer was lapped} */
    public long lapped() {
        return lapped;
    }

    /** {@return how many messages this broadcast consumer lost to being lapped} */
    public long lost() {
        return lost;
    }

    private boolean hasDataHint() {
        for (int i = 0, used = lanes.length == 0 ? 0 : lanesUsed(); i < used; i++) {
            if (lanes[i].hasDataHint()) {
                return true;
            }
        }
        long tail = (long) LONG.getVolatile(region, TAIL);
        return type == QueueType.BROADCAST ? tail != cursor : tail != (long) LONG.getVolatile(region, HEAD);
    }

    // ------------------------------------------------------------------ waiting

    /**
     * One step of waiting for one side ({@code parkFlag}: {@link QueueLayout#PRODUCERS_PARK} or
     * {@link QueueLayout#CONSUMERS_PARK}): spin, yield, or sleep one slice on the side's futex word
     * unless {@code ready} already holds.
     */
    private void idle(WaitStrategy wait, int idle, long deadline, long parkFlag,
                      java.util.function.BooleanSupplier ready) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (wait == WaitStrategy.BUSY_SPIN || idle < Waiting.SPINS) {
            Thread.onSpinWait();
            return;
        }
        if (wait == WaitStrategy.SPIN_THEN_YIELD) {
            Thread.yield();
            return;
        }
        if ((int) INT.getOpaque(waitRegion, parkFlag) == 0) {
            INT.setVolatile(waitRegion, parkFlag, 1); // from now on the other side checks for sleepers
        }
        long waiting = parkFlag + WAITING_FROM_PARK;
        long sequence = parkFlag + SEQUENCE_FROM_PARK;
        INT.getAndAdd(waitRegion, parkFlag + ARRIVALS_FROM_PARK, 1); // before the count: see wakeSleepers
        INT.getAndAdd(waitRegion, waiting, 1);
        try {
            int seq = (int) INT.getVolatile(waitRegion, sequence);
            if (!ready.getAsBoolean()) {
                Waiting.sleep(waitRegion, sequence, seq, deadline);
            }
        } finally {
            INT.getAndAdd(waitRegion, waiting, -1);
        }
    }

    /**
     * Wakes the sleepers of one side ({@code parkFlag}, as in {@link #idle}) if that side ever parks;
     * no system call otherwise.
     *
     * <p>A sleeper killed in its sleep leaves the side's count of sleepers raised for good, which
     * would cost a system call on every publication. So a wake happens only if the count or the
     * side's arrivals (incremented before the count by every sleep) changed since this handle's
     * last wake: when both are as they were then, nobody has started to sleep since, and those
     * that slept then have been woken (or are dead). A live sleeper re-arrives at least every
     * {@link Waiting#SLICE_NANOS}, so it is never passed over.
     */
    private void wakeSleepers(long parkFlag, boolean all) {
        if ((int) INT.getOpaque(waitRegion, parkFlag) == 0) {
            return;
        }
        VarHandle.fullFence(); // our publication before reading their count (they count, then re-check)
        int waiters = (int) INT.getOpaque(waitRegion, parkFlag + WAITING_FROM_PARK);
        if (waiters == 0) {
            return;
        }
        long seen = (long) waiters << 32 | (int) INT.getOpaque(waitRegion, parkFlag + ARRIVALS_FROM_PARK) & 0xFFFF_FFFFL;
        boolean consumers = parkFlag == CONSUMERS_PARK;
        if (seen == (consumers ? consumersAtLastWake : producersAtLastWake)) {
            return;
        }
        if (consumers) {
            consumersAtLastWake = seen;
        } else {
            producersAtLastWake = seen;
        }
        long sequence = parkFlag + SEQUENCE_FROM_PARK;
        INT.getAndAdd(waitRegion, sequence, 1);
        Waiting.wake(waitRegion, sequence, all ? Integer.MAX_VALUE : 1);
    }

    // ------------------------------------------------------------------ roles, counters, close

    /** Takes the exclusive role whose holder word is at {@code pidOffset}; called while this handle has not. */
    private void takeRole(long pidOffset, long startOffset, String role) {
        long holder = acquireRole(pidOffset, startOffset);
        if (holder != 0) {
            throw new IllegalStateException("queue '" + name + "' already has a " + role + ": process "
                    + (holder >>> 32) + (holder >>> 32 == Liveness.MY_PID ? " (another handle in this process)"
                    : "") + "; a " + type + " queue has one");
        }
    }

    /**
     * Takes the exclusive role whose holder word is at {@code pidOffset} unless a live handle
     * holds it (a lane's producer role too, for {@link #takeLane}).
     * {@return 0 if taken, else the live holder's word}
     */
    private long acquireRole(long pidOffset, long startOffset) {
        while (true) {
            long holder = (long) LONG.getVolatile(region, pidOffset);
            if (holder == token) {
                break;
            }
            if (holder != 0) {
                long start = (long) LONG.getVolatile(region, startOffset);
                if ((long) LONG.getVolatile(region, pidOffset) != holder) {
                    continue;
                }
                if (!Liveness.isDead(holder >>> 32, start) || (holder >>> 32) == Liveness.MY_PID) {
                    return holder;
                }
                LONG.compareAndSet(region, startOffset, start, 0L);
                // The dead holder was the only one of its side: if it died asleep, its count of
                // sleepers would make the other side call the kernel on every publication. (A
                // lane's producers sleep in the queue's header, with the other producers.)
                if (waitRegion == region) {
                    INT.setVolatile(region, pidOffset == PRODUCER_PID ? PRODUCERS_WAITING : CONSUMERS_WAITING, 0);
                }
            }
            if (LONG.compareAndSet(region, pidOffset, holder, token)) {
                LONG.setVolatile(region, startOffset, Liveness.MY_START);
                break;
            }
        }
        if (pidOffset == PRODUCER_PID) {
            tailCache = (long) LONG.getVolatile(region, TAIL);
            tailPublished = tailCache;
            if (type == QueueType.SPSC) {
                tailCache = resumeTail(tailCache);
            }
            recordsInCache = (long) LONG.getVolatile(region, RECORDS_IN);
            paddingInCache = (long) LONG.getVolatile(region, PADDING_IN);
            nextLapCheck = tailCache;
            producer = true;
        } else {
            adoptConsumer();
            for (SharedQueue l : lanes) {
                l.adoptConsumer(); // the lanes' consumer is the queue's
            }
        }
        return 0;
    }

    /** Starts consuming from the consumer's place in the header (checked on the first poll). */
    private void adoptConsumer() {
        recordsOutCache = (long) LONG.getVolatile(region, RECORDS_OUT);
        paddingOutCache = (long) LONG.getVolatile(region, PADDING_OUT);
        releasedTo = -1;
        consumer = true;
    }

    /**
     * SPSC: where a new producer starts. The tail moves just after a commit (or a zero-copy
     * claim's mark), so a predecessor that died in between left a record past it, perhaps after
     * a padding record: step over what is there. Every other header there is zero (the producer
     * zeroes the header after each record before it commits), so the walk ends within two steps;
     * a header it cannot make sense of ends it too, for the consumer's checks to meet.
     */
    private long resumeTail(long tail) {
        for (int step = 0; step < 2; step++) {
            long index = tail & mask;
            int length = lengthOf((long) LONG.getAcquire(ring, index + LENGTH_OFFSET));
            if (length == 0 || length == Integer.MIN_VALUE) {
                break;
            }
            long aligned = RecordLayout.aligned(Math.abs(length));
            if (aligned < RecordLayout.ALIGNMENT || aligned > capacity - index) {
                break;
            }
            tail += aligned;
        }
        return tail;
    }

    /** {@return a snapshot of the queue's counters} Reading them changes nothing. */
    public QueueCounters counters() {
        try {
            return readCounters();
        } catch (InternalError e) {
            throw truncated("counters", e);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    private QueueCounters readCounters() {
        return QueueState.counters(region, type, capacity, lanes.length);
    }

    /**
     * Gives up this handle's role (so another process may take it at once) and closes the region
     * handle. Idempotent.
     */
    @Override
    public void close() {
        if (!shm.isOpen()) {
            return;
        }
        try {
            giveUpRoles();
            SharedQueue lane = this.lane;
            if (lane != null) {
                lane.giveUpRoles();
            }
        } catch (InternalError e) {
            if (!Faults.isMemoryFault(e)) {
                throw e;
            }
            // truncated by another process: the roles went with the lost page; close anyway
        } finally {
            shm.close();
        }
    }

    private void giveUpRoles() {
        // read before each CAS: a CAS in the interpreter on a truncated page crashes HotSpot
        if (producer && (long) LONG.getVolatile(region, PRODUCER_PID) == token) {
            LONG.compareAndSet(region, PRODUCER_PID, token, 0L);
        }
        if (consumer && (long) LONG.getVolatile(region, CONSUMER_PID) == token) {
            LONG.compareAndSet(region, CONSUMER_PID, token, 0L);
        }
    }

    /** {@return a clearer exception than the memory's "Already closed" if this handle is closed, else {@code e}} */
    private IllegalStateException closedOr(IllegalStateException e) {
        return shm.isOpen() ? e : new IllegalStateException("queue '" + name + "' is closed", e);
    }

    /** {@return the jshm exception for a memory fault during {@code what}} */
    private io.jshm.JshmException truncated(String what, InternalError e) {
        return Faults.truncated(name, name, region.byteSize(), "queue '" + name + "': " + what, e);
    }

    @Override
    public String toString() {
        return "SharedQueue[" + name + ", " + type + ", capacity=" + capacity + "]";
    }
}
