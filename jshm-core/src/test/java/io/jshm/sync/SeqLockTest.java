package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A child JVM writes {@link SeqPayload} records back to back into a {@link SeqLock}; readers in
 * this JVM (both read styles, in two threads) and in a second child check every record they
 * read: none is torn, none goes backwards, and the records do change while they read.
 */
class SeqLockTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(SeqLockTest.class);

    private static final long SEQLOCK_AT = 0;
    private static final long STOP_AT = 1024;
    /** Reads each reader makes at least. */
    private static final long READS = 20_000;
    /** Changes of the record each reader of this JVM must see: the writer really runs meanwhile. */
    private static final long CHANGES = 200;

    @Test
    @Timeout(60)
    void readersInTwoProcessesNeverSeeATornRecordWhileAChildWrites() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment region = shm.segment();
            SeqLock seqLock = SeqLock.initialize(region, SEQLOCK_AT, SeqPayload.BYTES);
            seqLock.write(payload -> SeqPayload.write(payload, 0));
            assertThat(seqLock.sequence()).isEqualTo(2);

            try (Children children = new Children()) {
                ChildJvm writer = children.launch("seq-write", name, Long.toString(SEQLOCK_AT), Long.toString(STOP_AT));
                ChildJvm reader = children.launch("seq-read", name, Long.toString(SEQLOCK_AT), Long.toString(READS));
                writer.await("READY", Waits.STARTUP);
                reader.await("READY", Waits.STARTUP);
                Waits.awaitCondition("the writer writes", Duration.ofSeconds(10), () -> seqLock.sequence() > 100);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                CompletableFuture<SeqPayload.Tally> copying = readInThread("copy-reader", () -> {
                    SeqPayload.Tally tally = new SeqPayload.Tally();
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment copy = arena.allocate(SeqPayload.BYTES, 8);
                        while (!enough(tally, deadline)) {
                            seqLock.read(copy);
                            tally.check(copy);
                        }
                    }
                    return tally;
                });
                CompletableFuture<SeqPayload.Tally> inPlace = readInThread("in-place-reader", () -> {
                    SeqPayload.Tally tally = new SeqPayload.Tally();
                    long[] fields = new long[SeqPayload.FIELDS];
                    while (!enough(tally, deadline)) {
                        long seq;
                        do {
                            seq = seqLock.readBegin();
                            SeqPayload.readFields(seqLock.payload(), fields);
                        } while (!seqLock.readValidate(seq));
                        assertThat(seq & 1).as("readBegin returns an even sequence").isZero();
                        tally.check(fields);
                    }
                    return tally;
                });

                SeqPayload.Tally copied = copying.get(40, TimeUnit.SECONDS);
                SeqPayload.Tally read = inPlace.get(40, TimeUnit.SECONDS);
                String[] child = reader.nextLine(Duration.ofSeconds(40)).split(" ");
                long before = seqLock.sequence();
                Atomics.setLongRelease(region, STOP_AT, 1); // pairs with getLongAcquire in the writer
                String[] wrote = writer.nextLine(Duration.ofSeconds(10)).split(" ");

                assertThat(copied.torn()).as("torn reads with read(MemorySegment): %s", copied.firstTorn()).isZero();
                assertThat(read.torn()).as("torn reads with readBegin/readValidate: %s", read.firstTorn()).isZero();
                assertThat(child[0]).isEqualTo("READ");
                assertThat(Long.parseLong(child[3])).as("torn reads in the reader child: %s", child[4]).isZero();
                assertThat(Long.parseLong(child[1])).isEqualTo(2 * READS);
                assertThat(Long.parseLong(child[2])).as("changes seen by the reader child").isPositive();
                assertThat(copied.changes()).isGreaterThanOrEqualTo(CHANGES);
                assertThat(read.changes()).isGreaterThanOrEqualTo(CHANGES);

                assertThat(wrote[0]).isEqualTo("WROTE");
                long writes = Long.parseLong(wrote[1]);
                assertThat(writes).isGreaterThanOrEqualTo(Math.max(copied.lastX(), read.lastX()));
                assertThat(seqLock.sequence()).as("two per write, even when idle")
                        .isEqualTo(2 * (writes + 1))
                        .isGreaterThanOrEqualTo(before);
                assertThat(writer.waitFor(Duration.ofSeconds(10))).isZero();
                assertThat(reader.waitFor(Duration.ofSeconds(10))).isZero();

                long[] last = new long[SeqPayload.FIELDS];
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment copy = arena.allocate(SeqPayload.BYTES, 8);
                    seqLock.read(copy);
                    SeqPayload.readFields(copy, last);
                }
                assertThat(last[0]).isEqualTo(writes);
            }
        }
    }

    /**
     * A writer killed with {@code kill -9} never wedges a reader: a reader either gets a whole
     * record or, if the writer died in the middle of a write (forced here when the kill did not
     * land in one), a {@link CorruptRegionException} within a bounded time; the next write repairs
     * the seqlock.
     */
    @Test
    @Timeout(60)
    void aWriterKilledMidWriteDoesNotWedgeReaders() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Arena arena = Arena.ofConfined()) {
            MemorySegment region = shm.segment();
            SeqLock seqLock = SeqLock.initialize(region, SEQLOCK_AT, SeqPayload.BYTES);
            seqLock.write(payload -> SeqPayload.write(payload, 0));
            MemorySegment copy = arena.allocate(SeqPayload.BYTES, 8);

            long deadPid;
            try (Children children = new Children()) {
                ChildJvm writer = children.launch("seq-write", name, Long.toString(SEQLOCK_AT), Long.toString(STOP_AT));
                writer.await("READY", Waits.STARTUP);
                Waits.awaitCondition("the writer writes", Duration.ofSeconds(10), () -> seqLock.sequence() > 100);
                deadPid = writer.pid();
                writer.kill9();
            }
            assertThat(Atomics.getLongVolatile(region, SEQLOCK_AT + SeqLock.WRITER_PID)).isEqualTo(deadPid);
            long seq = seqLock.sequence();
            if ((seq & 1) == 0) {
                seqLock.read(copy); // died between writes: the last record is whole
                SeqPayload.Tally tally = new SeqPayload.Tally();
                tally.check(copy);
                assertThat(tally.torn()).as(tally.firstTorn()).isZero();
                Atomics.setLongVolatile(region, SEQLOCK_AT + SeqLock.SEQUENCE, seq + 1); // as if mid-write
            }

            long start = System.nanoTime();
            assertThatThrownBy(() -> seqLock.read(copy))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("pid " + deadPid)
                    .hasMessageContaining("died in the middle of a write");
            assertThat(Waits.millisSince(start)).as("ms to give up on a dead writer").isLessThan(5_000);
            assertThatThrownBy(seqLock::readBegin).isInstanceOf(CorruptRegionException.class);

            seqLock.write(payload -> SeqPayload.write(payload, 77));
            assertThat(seqLock.sequence() & 1).as("the next write leaves the sequence even").isZero();
            seqLock.read(copy);
            long[] fields = new long[SeqPayload.FIELDS];
            SeqPayload.readFields(copy, fields);
            assertThat(fields[0]).isEqualTo(77);
            assertThat(fields[1]).isEqualTo(~77L);
        }
    }

    /** {@return whether a reader has read enough, or must give up (the assertions then fail)} */
    private static boolean enough(SeqPayload.Tally tally, long deadline) {
        return tally.reads() >= READS && tally.changes() >= CHANGES || System.nanoTime() - deadline > 0;
    }

    private static CompletableFuture<SeqPayload.Tally> readInThread(String name, ReadLoop loop) {
        CompletableFuture<SeqPayload.Tally> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(loop.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return result;
    }

    @FunctionalInterface
    private interface ReadLoop {
        SeqPayload.Tally run() throws Exception;
    }

    /**
     * A payload size damaged to a size that still fits the segment (found by
     * {@code SyncHeaderPropertyTest}: 17 for a seqlock of 16) is refused on attach, since
     * writes would otherwise run over the bytes that follow the seqlock.
     */
    @Test
    void aDamagedPayloadSizeThatStillFitsIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(4096, 8);
            SeqLock.initialize(segment, 64, 16);
            assertThat(SeqLock.attach(segment, 64).payloadSize()).isEqualTo(16);
            segment.set(java.lang.foreign.ValueLayout.JAVA_INT, 64 + SeqLock.PAYLOAD_SIZE, 17);
            assertThatThrownBy(() -> SeqLock.attach(segment, 64))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("claims a payload of 17 bytes, and its copy of that size says 16");
        }
    }
}
