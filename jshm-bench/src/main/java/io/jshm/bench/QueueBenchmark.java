package io.jshm.bench;

import io.jshm.queue.MessageClaim;
import io.jshm.queue.MessageHandler;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
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
        queue.offer(1, message);
        while (queue.poll(handler, 1) == 0) {
            Thread.onSpinWait(); // never here: a poll crosses the ring\'s end
        }
        return sink;
    }

    @Benchmark
    public long jshmClaimCommitPoll() {
        if (queue.tryClaim(1, size, claim)) {
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), 1L);
            claim.commit();
        }
        while (queue.poll(handler, 1) == 0) {
            Thread.onSpinWait(); // never here: a poll crosses the ring\'s end
        }
        return sink;
    }

    @Benchmark
    public long agronaWriteRead() {
        agrona.write(1, agronaMessage, 0, size);
        while (agrona.read(agronaHandler, 1) == 0) {
            Thread.onSpinWait(); // after padding: a read stops at the ring\'s end
        }
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long jshmOfferBatchPoll() {
        for (int i = 0; i < BATCH; i++) {
            queue.offer(1, message);
        }
        for (int n = 0; n < BATCH; ) {
            n += queue.poll(handler, BATCH - n);
        }
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaWriteBatchRead() {
        for (int i = 0; i < BATCH; i++) {
            agrona.write(1, agronaMessage, 0, size);
        }
        for (int n = 0; n < BATCH; ) {
            n += agrona.read(agronaHandler, BATCH - n); // a read stops at the ring\'s end
        }
        return sink;
    }

    @Benchmark
    public long mpscJshmOfferPoll() {
        mpsc.offer(1, message);
        while (mpsc.poll(handler, 1) == 0) {
            Thread.onSpinWait(); // never here: a poll crosses the ring\'s end
        }
        return sink;
    }

    @Benchmark
    public long mpscAgronaWriteRead() {
        manyToOne.write(1, agronaMessage, 0, size);
        while (manyToOne.read(agronaHandler, 1) == 0) {
            Thread.onSpinWait(); // after padding: a read stops at the ring\'s end
        }
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mpscJshmOfferBatchPoll() {
        for (int i = 0; i < BATCH; i++) {
            mpsc.offer(1, message);
        }
        for (int n = 0; n < BATCH; ) {
            n += mpsc.poll(handler, BATCH - n);
        }
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mpscAgronaWriteBatchRead() {
        for (int i = 0; i < BATCH; i++) {
            manyToOne.write(1, agronaMessage, 0, size);
        }
        for (int n = 0; n < BATCH; ) {
            n += manyToOne.read(agronaHandler, BATCH - n); // a read stops at the ring\'s end
        }
        return sink;
    }
}
