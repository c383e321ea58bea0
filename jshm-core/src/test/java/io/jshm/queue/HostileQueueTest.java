package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regions that are not queues, or queues whose memory a hostile peer damages.
 * <ul>
 *   <li>{@code open} checks the header: foreign magic, an uninitialised (zero) magic, another
 *       version, an unknown type, a capacity that is not a power of two or disagrees with the
 *       region's size, each a {@link CorruptRegionException} that names the queue and the
 *       reason.</li>
 *   <li>A peer process writes garbage into the next record's length or type, or into the
 *       consumer's position, while a consumer waits in {@code receive}: the consumer stops with
 *       {@link CorruptRegionException}, within a bounded time; it never delivers the garbage,
 *       never loops, and never reads outside the ring (that would be an
 *       {@link IndexOutOfBoundsException}).</li>
 * </ul>
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class HostileQueueTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(HostileQueueTest.class);

    static final long CAPACITY = 4096;
    static final long REGION = QueueLayout.HEADER_SIZE + CAPACITY;
    /** A pid above Linux's largest pid_max (2^22): no process has it. */
    static final int NO_SUCH_PID = 0x7FFF_FFF0;

    private static ChildJvm peer;

    @BeforeAll
    static void startPeer() throws InterruptedException {
        peer = ChildJvm.start(QueueChild.class, "peer");
        peer.await("READY", Waits.STARTUP);
    }

    @AfterAll
    static void stopPeer() throws InterruptedException {
        if (peer != null) {
            peer.close();
        }
    }

    /** Has the peer process write {@code value} at {@code offset} of region {@code name}. */
    static void poke(String name, long offset, int width, long value) throws InterruptedException {
        peer.send("POKE " + name + " " + offset + " " + width + " " + value);
        peer.await("POKED", Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------ open

    @Test
    @Timeout(10)
    void aRegionOfRandomBytesIsNotAQueue() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, REGION)) {
            Random random = new Random(QueueTesting.seed("HostileQueueTest.randomBytes"));
            byte[] garbage = new byte[(int) REGION];
            random.nextBytes(garbage);
            MemorySegment region = shm.segment();
            MemorySegment.copy(MemorySegment.ofArray(garbage), 0, region, 0, REGION);
            region.set(ValueLayout.JAVA_INT, 0, 0xDEADBEEF);
            assertThatThrownBy(() -> SharedQueue.open(name))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("queue '" + name + "' is corrupt or foreign")
                    .hasMessageContaining("not a jshm queue: magic 0xdeadbeef, expected 0x5148534a");
        }
    }

    @Test
    @Timeout(10)
    void aZeroedRegionIsRefusedAfterWaitingForItsCreator() {
        String name = names.next();
        try (SharedMemory ignored = SharedMemory.create(name, REGION)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> SharedQueue.open(name))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("magic 0x0").hasMessageContaining("(not initialised)");
            assertThat(Waits.millisSince(start)).as("waited for a creator to finish the header")
                    .isBetween(1500L, 6000L);
        }
    }

    @Test
    @Timeout(10)
    void aRegionTooSmallForAnyQueueIsRefused() {
        for (long size : new long[] {100, 2047}) {
            String name = names.next();
            try (SharedMemory shm = SharedMemory.create(name, size)) {
                if (size >= 4) {
                    shm.segment().set(ValueLayout.JAVA_INT, 0, QueueLayout.MAGIC);
                }
                assertThatThrownBy(() -> SharedQueue.open(name))
                        .isInstanceOf(CorruptRegionException.class)
                        .hasMessageContaining("region has " + size + " bytes, fewer than the smallest queue (5120)");
            }
        }
    }

    static Stream<Arguments> damagedHeaders() {
        return Stream.of(
                Arguments.of("version 6", QueueLayout.VERSION_OFFSET, 2, 6L, "queue layout version 6, this jshm reads version 5"),
                Arguments.of("version 4 (MPSC queues without lanes, before decision 63)", QueueLayout.VERSION_OFFSET, 2, 4L,
                        "queue layout version 4, this jshm reads version 5"),
                Arguments.of("version 3 (MPSC consumers retiring each record, before decision 61)",
                        QueueLayout.VERSION_OFFSET, 2, 3L, "queue layout version 3, this jshm reads version 5"),
                Arguments.of("version 2 (the ring at 1024, before decision 60)", QueueLayout.VERSION_OFFSET, 2, 2L,
                        "queue layout version 2, this jshm reads version 5"),
                Arguments.of("version 1 (before the SPSC protocol of decision 44)", QueueLayout.VERSION_OFFSET, 2, 1L,
                        "queue layout version 1, this jshm reads version 5"),
                Arguments.of("version 0", QueueLayout.VERSION_OFFSET, 2, 0L, "queue layout version 0"),
                Arguments.of("type 0", QueueLayout.TYPE_OFFSET, 2, 0L, "unknown queue type 0"),
                Arguments.of("type 4", QueueLayout.TYPE_OFFSET, 2, 4L, "unknown queue type 4"),
                Arguments.of("type -1", QueueLayout.TYPE_OFFSET, 2, -1L, "unknown queue type -1"),
                Arguments.of("capacity 3000", QueueLayout.CAPACITY_OFFSET, 8, 3000L, "capacity 3000 is not a power of two"),
                Arguments.of("capacity 0", QueueLayout.CAPACITY_OFFSET, 8, 0L, "capacity 0 is not a power of two"),
                Arguments.of("capacity -4096", QueueLayout.CAPACITY_OFFSET, 8, -4096L, "capacity -4096 is not"),
                Arguments.of("capacity 2^40", QueueLayout.CAPACITY_OFFSET, 8, 1L << 40, "is not a power of two from 1024"),
                Arguments.of("capacity 8192, larger than the region", QueueLayout.CAPACITY_OFFSET, 8, 8192L,
                        "sizes disagree: capacity 8192 needs a region of 12288 bytes; the header says 8192 and the region has 8192"),
                Arguments.of("capacity 2048, smaller than the region", QueueLayout.CAPACITY_OFFSET, 8, 2048L,
                        "sizes disagree: capacity 2048 needs a region of 6144 bytes"),
                Arguments.of("region size 9216", QueueLayout.REGION_SIZE_OFFSET, 8, 9216L,
                        "the header says 9216 and the region has 8192"),
                Arguments.of("max payload 2048", QueueLayout.MAX_PAYLOAD_OFFSET, 4, 2048L,
                        "max payload 2048 disagrees with capacity 4096"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedHeaders")
    @Timeout(10)
    void aDamagedHeaderIsRefusedWithTheReason(String what, long offset, int width, long value, String reason) {
        String name = names.next();
        try (SharedQueue creator = SharedQueue.create(name, CAPACITY, QueueType.MPSC);
             SharedMemory raw = SharedMemory.open(name)) {
            write(raw.segment(), offset, width, value);
            assertThatThrownBy(() -> SharedQueue.open(name))
                    .as(what)
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("queue '" + name + "' is corrupt or foreign: ")
                    .hasMessageContaining(reason);
            assertThat(creator.name()).isEqualTo(name);
        }
    }

    @Test
    @Timeout(10)
    void aConsistentHeaderInALargerRegionIsRefused() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, REGION * 2)) {
            QueueLayout.initialize(shm.segment(), QueueType.SPSC, CAPACITY, 0);
            assertThatThrownBy(() -> SharedQueue.open(name))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("the header says " + REGION + " and the region has " + 2 * REGION);
        }
    }

    static void write(MemorySegment region, long offset, int width, long value) {
        switch (width) {
            case 2 -> region.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
            case 4 -> region.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
            case 8 -> region.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
            default -> throw new IllegalArgumentException("width " + width);
        }
    }

    // ------------------------------------------------------------------ garbage while reading

    /** (what, queue type, record length, record type) written by the peer at the consumer's head. */
    static Stream<Arguments> garbageRecords() {
        List<Arguments> all = new ArrayList<>();
        for (QueueType type : new QueueType[] {QueueType.SPSC, QueueType.MPSC}) {
            all.add(Arguments.of("huge length", type, 0x7FFF_FFF0, 1));
            all.add(Arguments.of("length past the ring's end", type, (int) CAPACITY, 1));
            all.add(Arguments.of("length below the header", type, 3, 1));
            all.add(Arguments.of("payload above the largest", type, (int) CAPACITY / 4 + 16, 1));
            all.add(Arguments.of("negative type", type, 48, -7));
            all.add(Arguments.of("padding shorter than a header", type, 4, RecordLayout.PADDING_TYPE));
            all.add(Arguments.of("claimed, huge, by a dead pid", type, -0x7FFF_FFF0, NO_SUCH_PID));
            all.add(Arguments.of("claimed, MIN_VALUE, by a dead pid", type, Integer.MIN_VALUE, NO_SUCH_PID));
            all.add(Arguments.of("claimed, below the header, by a dead pid", type, -4, NO_SUCH_PID));
            all.add(Arguments.of("claimed, past the ring's end, by pid 0", type, -(int) CAPACITY, 0));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("garbageRecords")
    @Timeout(20)
    void garbageInTheNextRecordStopsAWaitingConsumer(String what, QueueType type, int length, int recordType)
            throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, type);
             SharedQueue consumer = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name)) {
            long head = consumeThree(producer, consumer);
            CompletableFuture<Integer> reading = receiveInBackground(consumer);
            awaitWaiting(raw.segment());
            long at = QueueLayout.HEADER_SIZE + head;
            poke(name, at + RecordLayout.TYPE_OFFSET, 4, recordType);
            poke(name, at + RecordLayout.LENGTH_OFFSET, 4, length);
            assertStopsWithCorruptRegion(reading, "impossible record at position " + head, producer);
        }
    }

    /** (what, new consumer position relative to the true one, or absolute) written by the peer. */
    static Stream<Arguments> garbagePositions() {
        return Stream.of(
                Arguments.of("3 bytes on: unaligned", 3L, false),
                Arguments.of("4 bytes on: unaligned", 4L, false),
                Arguments.of("64 bytes past the tail", 64L, false),
                Arguments.of("three rings past the tail", 3 * CAPACITY, false),
                Arguments.of("three rings behind", -3 * CAPACITY, false),
                Arguments.of("negative", -8L, true),
                Arguments.of("Long.MIN_VALUE", Long.MIN_VALUE, true),
                Arguments.of("Long.MAX_VALUE", Long.MAX_VALUE, true),
                Arguments.of("Long.MAX_VALUE, aligned", Long.MAX_VALUE - 7, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbagePositions")
    @Timeout(20)
    void garbageInTheConsumerPositionStopsAWaitingConsumer(String what, long value, boolean absolute)
            throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.MPSC);
             SharedQueue consumer = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name)) {
            long head = consumeThree(producer, consumer);
            CompletableFuture<Integer> reading = receiveInBackground(consumer);
            awaitWaiting(raw.segment());
            poke(name, QueueLayout.HEAD, 8, absolute ? value : head + value);
            assertStopsWithCorruptRegion(reading, "position", producer);
        }
    }

    @Test
    @Timeout(20)
    void anSpscPositionDamagedBehindTheConsumerIsNeitherFollowedNorKept() throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.SPSC)) {
            List<Integer> got = new ArrayList<>();
            MessageHandler note = (t, b, o, l) -> got.add(t);
            long head;
            try (SharedQueue consumer = SharedQueue.open(name)) {
                head = consumeThree(producer, consumer);
                poke(name, QueueLayout.HEAD, 8, head - 48); // back over the last (consumed) record
                // The live consumer keeps its own position, and its next release rewrites the head.
                assertThat(consumer.poll(note, 10)).isZero();
                assertThat(producer.offer(42, MemorySegment.ofArray(new byte[8]))).isTrue();
                assertThat(consumer.receive(note, 10, WaitStrategy.PARK, Duration.ofSeconds(5))).isEqualTo(1);
                assertThat(got).as("nothing delivered twice").containsExactly(42);
                assertThat(consumer.counters().bytesOut()).isEqualTo(head + 16);
            }
            // A successor that finds the head damaged: consumed-to says where its predecessor was.
            poke(name, QueueLayout.HEAD, 8, head - 48);
            try (SharedQueue successor = SharedQueue.open(name)) {
                assertThat(successor.poll(note, 10)).isZero();
                assertThat(successor.counters().bytesOut()).isEqualTo(head + 16);
                assertThat(producer.offer(43, MemorySegment.ofArray(new byte[8]))).isTrue();
                assertThat(successor.receive(note, 10, WaitStrategy.PARK, Duration.ofSeconds(5))).isEqualTo(1);
                assertThat(got).as("nothing delivered twice").containsExactly(42, 43);
                assertThat(successor.counters().skipped()).as("nothing skipped either").isZero();
            }
        }
    }

    @Test
    @Timeout(20)
    void garbageInABroadcastRecordStopsItsConsumer() throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.BROADCAST);
             SharedQueue consumer = SharedQueue.open(name)) {
            assertThat(consumer.poll((t, b, o, l) -> { }, 1)).isZero();
            for (int i = 0; i < 3; i++) {
                assertThat(producer.offer(i, MemorySegment.ofArray(new byte[40]))).isTrue();
            }
            poke(name, QueueLayout.HEADER_SIZE + 48 + RecordLayout.LENGTH_OFFSET, 4, 0x7FFF_FFF0);
            List<Integer> got = new ArrayList<>();
            assertThatThrownBy(() -> consumer.poll((t, b, o, l) -> got.add(t), 10))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("impossible record at position 48: length 2147483632");
            assertThat(got).containsExactly(0);
        }
    }

    /** Sends and consumes three 40-byte messages, so the head is not at 0. {@return the head} */
    private static long consumeThree(SharedQueue producer, SharedQueue consumer) {
        consumer.setStuckTimeout(Duration.ofMillis(50));
        for (int i = 0; i < 3; i++) {
            assertThat(producer.offer(i, MemorySegment.ofArray(new byte[40]))).isTrue();
        }
        assertThat(consumer.poll((t, b, o, l) -> { }, 10)).isEqualTo(3);
        assertThat(consumer.counters().bytesOut()).isEqualTo(3 * 48);
        return 3 * 48;
    }

    /** A thread that receives until something is thrown; completes with how many messages it got. */
    private static CompletableFuture<Integer> receiveInBackground(SharedQueue consumer) {
        return CompletableFuture.supplyAsync(() -> {
            int[] got = {0};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try {
                while (System.nanoTime() - deadline < 0) {
                    consumer.receive((t, b, o, l) -> got[0]++, 16, WaitStrategy.PARK, Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            throw new AssertionError("the consumer went on for 10 s, having delivered " + got[0] + " messages");
        });
    }

    private static void awaitWaiting(MemorySegment region) throws InterruptedException {
        Waits.awaitCondition("the consumer sleeps", Duration.ofSeconds(5),
                () -> QueueTesting.intField(region, QueueLayout.CONSUMERS_WAITING) > 0, () -> "");
    }

    private static void assertStopsWithCorruptRegion(CompletableFuture<Integer> reading, String reason,
                                                     SharedQueue queue) throws Exception {
        Throwable thrown;
        try {
            int got = reading.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the consumer returned normally after " + got + " messages");
        } catch (ExecutionException e) {
            thrown = e.getCause();
        }
        assertThat(thrown).as("what the consumer threw")
                .isInstanceOf(CorruptRegionException.class)
                .hasMessageContaining("queue '" + queue.name() + "' is corrupt or foreign")
                .hasMessageContaining(reason);
        assertThat(queue.counters().recordsOut()).as("nothing delivered after the garbage").isEqualTo(3);
    }
}
