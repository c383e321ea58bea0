package io.jshm.bench;

import io.jshm.queue.MessageClaim;
import io.jshm.queue.MessageHandler;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import org.agrona.concurrent.UnsafeBuffer;
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
 * each side when a consumer finds a batch waiting). Both copy from the same native buffer. Run
 * with {@code -prof gc}: neither allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1) // JVM options come from Main (Jvm.options())
public class QueueBenchmark {

    /** Messages per invocation of the batch benchmarks; a 64 KiB ring holds them at 64 B. */
    static final int BATCH = 256;

    @Param({"64"})
    int size;

    private SharedQueue queue;
    private final MessageClaim claim = new MessageClaim();
    private MemorySegment message;
    private OneToOneRingBuffer agrona;
    private UnsafeBuffer agronaMessage;
    private Path agronaFile;
    private long sink;
    private final MessageHandler handler = (t, buffer, offset, length) ->
            sink += buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    private final org.agrona.concurrent.MessageHandler agronaHandler = (t, buffer, index, length) ->
            sink += buffer.getLong(index);

    @Setup
    public void setUp() throws IOException {
        long pid = ProcessHandle.current().pid();
        queue = SharedQueue.create("bench-qjmh-" + pid, 1 << 16, QueueType.SPSC);
        message = Arena.ofAuto().allocate(size, 8);
        agronaFile = Path.of("/dev/shm", "bench-qjmh-" + pid + ".agrona");
        try (FileChannel channel = FileChannel.open(agronaFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            agrona = new OneToOneRingBuffer(new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    (1 << 16) + RingBufferDescriptor.TRAILER_LENGTH)));
        }
        agronaMessage = new UnsafeBuffer(message.address(), size);
    }

    @TearDown
    public void tearDown() throws IOException {
        queue.close();
        Files.deleteIfExists(agronaFile);
    }

    @Benchmark
    public long jshmOfferPoll() {
        queue.offer(1, message);
        queue.poll(handler, 1);
        return sink;
    }

    @Benchmark
    public long jshmClaimCommitPoll() {
        if (queue.tryClaim(1, size, claim)) {
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), sink);
            claim.commit();
        }
        queue.poll(handler, 1);
        return sink;
    }

    @Benchmark
    public long agronaWriteRead() {
        agrona.write(1, agronaMessage, 0, size);
        agrona.read(agronaHandler, 1);
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long jshmOfferBatchPoll() {
        for (int i = 0; i < BATCH; i++) {
            queue.offer(1, message);
        }
        queue.poll(handler, BATCH);
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long agronaWriteBatchRead() {
        for (int i = 0; i < BATCH; i++) {
            agrona.write(1, agronaMessage, 0, size);
        }
        agrona.read(agronaHandler, BATCH);
        return sink;
    }
}
