package io.jshm.bench;

import io.jshm.queue.MessageClaim;
import io.jshm.queue.MessageHandler;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * One thread offers a message and polls it back: the single-thread cost of the hot paths, jshm's
 * SPSC queue (copying {@code offer}, and zero-copy claim/commit) beside Agrona's
 * {@code OneToOneRingBuffer} over a mapped file in {@code /dev/shm}, in the same run: one message
 * at a time, and {@value #BATCH} offers followed by one poll of them (the cost per message of
 * each side when a consumer finds a batch waiting). The {@code mpsc} benchmarks do the same with
 * jshm's MPSC queue (no lanes) beside Agrona's {@code ManyToOneRingBuffer}: one producer, so no
 * compare-and-set ever fails, which leaves the instructions each side spends per message. Both
 * copy from the same native buffer, whose first word is 1, and each handler adds a message's
 * first word to {@code sink}, so {@code sink} counts the messages polled. Each benchmark polls
 * until it has every message it offered, as a consumer would: Agrona's {@code read} stops at the
 * ring's end, so once a lap it takes a second call (jshm's poll goes on past the end). Run with
 * {@code -prof gc}: neither allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1) // JVM options come from Main (Jvm.options())
public class QueueBenchmark {

    /** Messages per invocation of the batch benchmarks; every ring holds a batch (see {@link #ring}). */
    static final int BATCH = 256;

    @Param({"64"})
    int size;

    private SharedQueue queue;
    private final MessageClaim claim = new MessageClaim();
    private MemorySegment message;
    private OneToOneRingBuffer agrona;
    private SharedQueue mpsc;
    private ManyToOneRingBuffer manyToOne;
    private UnsafeBuffer agronaMessage;
    private Path agronaFile;
    private Path manyToOneFile;
    private long sink;
    private final MessageHandler handler = (t, buffer, offset, length) ->
            sink += buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    private final org.agrona.concurrent.MessageHandler agronaHandler = (t, buffer, index, length) ->
            sink += buffer.getLong(index);

    @Setup
    public void setUp() throws IOException {
        long pid = ProcessHandle.current().pid();
        long ring = ring(size);
        queue = SharedQueue.create("bench-qjmh-" + pid, ring, QueueType.SPSC);
        mpsc = SharedQueue.create("bench-qjmh-mpsc-" + pid, ring, QueueType.MPSC);
        message = Arena.ofAuto().allocate(size, 8);
        message.set(ValueLayout.JAVA_LONG, 0, 1L);
        agronaFile = Path.of("/dev/shm", "bench-qjmh-" + pid + ".agrona");
        agrona = new OneToOneRingBuffer(mapRing(agronaFile, ring));
        manyToOneFile = Path.of("/dev/shm", "bench-qjmh-mpsc-" + pid + ".agrona");
        manyToOne = new ManyToOneRingBuffer(mapRing(manyToOneFile, ring));
        agronaMessage = new UnsafeBuffer(message.address(), size);
    }

    /**
     * {@return the ring size for messages of {@code size} bytes}: 64 KiB, or the power of two that
     * holds a batch of them with their headers (2 MiB at 4 KiB), so that no offer of a batch fails
     */
    static long ring(int size) {
        long batch = (long) BATCH * (size + 16);
        return Math.max(1L << 16, Long.highestOneBit(batch - 1) << 1);
    }

    /** {@return a new Agrona ring of {@code ring} bytes (and its trailer) mapped from {@code file}} */
    private static UnsafeBuffer mapRing(Path file, long ring) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    ring + RingBufferDescriptor.TRAILER_LENGTH));
        }
    }

    /** Removes what {@link #setUp} made, also after it failed part-way. */
    @TearDown
    public void tearDown() throws IOException {
        if (queue != null) {
            queue.close();
        }
        if (mpsc != null) {
            mpsc.close();
        }
        if (agronaFile != null) {
            Files.deleteIfExists(agronaFile);
        }
        if (manyToOneFile != null) {
            Files.deleteIfExists(manyToOneFile);
        }
    }

    @Benchmark
    public long jshmOfferPoll() {
        return offerPoll(queue);
    }

    @Benchmark
    public long jshmClaimCommitPoll() {
        if (queue.tryClaim(1, size, claim)) {
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), 1L);
            claim.commit();
        }
        return pollOne(queue);
    }

    @Benchmark
    public long agronaWriteRead() {
        return writeRead(agrona);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long jshmOfferBatchPoll() {
        return offerBatchPoll(queue);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaWriteBatchRead() {
        return writeBatchRead(agrona);
    }

    @Benchmark
    public long mpscJshmOfferPoll() {
        return offerPoll(mpsc);
    }

    @Benchmark
    public long mpscAgronaWriteRead() {
        return writeRead(manyToOne);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mpscJshmOfferBatchPoll() {
        return offerBatchPoll(mpsc);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mpscAgronaWriteBatchRead() {
        return writeBatchRead(manyToOne);
    }

    // Each benchmark runs in a JVM of its own (JMH forks per benchmark), so these see one queue
    // or ring each and inline as if written out in every benchmark.

    private long offerPoll(SharedQueue q) {
        q.offer(1, message);
        return pollOne(q);
    }

    private long pollOne(SharedQueue q) {
        while (q.poll(handler, 1) == 0) {
            Thread.onSpinWait(); // never here: a poll goes on past the ring's end
        }
        return sink;
    }

    private long offerBatchPoll(SharedQueue q) {
        for (int i = 0; i < BATCH; i++) {
            q.offer(1, message);
        }
        for (int n = 0; n < BATCH; ) {
            n += q.poll(handler, BATCH - n);
        }
        return sink;
    }

    private long writeRead(RingBuffer ring) {
        ring.write(1, agronaMessage, 0, size);
        while (ring.read(agronaHandler, 1) == 0) {
            Thread.onSpinWait(); // after padding: a read stops at the ring's end
        }
        return sink;
    }

    private long writeBatchRead(RingBuffer ring) {
        for (int i = 0; i < BATCH; i++) {
            ring.write(1, agronaMessage, 0, size);
        }
        for (int n = 0; n < BATCH; ) {
            n += ring.read(agronaHandler, BATCH - n); // a read stops at the ring's end
        }
        return sink;
    }
}
