package io.jshm.queue;

import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MPSC lanes (decision 63): which producer writes which ring, what happens when lanes run out,
 * when a lane's holder dies, and when a lane's header is damaged. The lanes' ring protocol is
 * SPSC's, which the SPSC tests cover; the process tests ({@link MpscProcessesTest},
 * {@link QueueCrashTest}) run MPSC queues with lanes and without.
 */
@Timeout(60)
class MpscLanesTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MpscLanesTest.class);

    static final long CAPACITY = 16 * 1024;
    static final long MY_PID = ProcessHandle.current().pid();

    /** One message: the producer's number as the type, its sequence number as the payload. */
    private static MemorySegment message(long seq) {
        MemorySegment m = MemorySegment.ofArray(new long[1]);
        m.set(ValueLayout.JAVA_LONG, 0, seq);
        return m;
    }

    /** Receives what is there, checking that each producer's sequence numbers arrive in order. */
    private static final class Check implements MessageHandler {
        final long[] next;

        Check(int producers) {
            next = new long[producers];
        }

        @Override
        public void onMessage(int type, MemorySegment buffer, long offset, int length) {
            long seq = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            assertThat(seq).as("producer %d's next message", type).isEqualTo(next[type]);
            next[type]++;
        }

        long total() {
            long t = 0;
            for (long n : next) {
                t += n;
            }
            return t;
        }
    }

    private static long laneField(MemorySegment region, int lane, long offset) {
        return QueueTesting.longField(region, QueueLayout.laneOffset(CAPACITY, lane) + offset);
    }

    @Test
    void eachProducerHandleTakesAFreeLaneAndTheOthersShareTheRing() {
        String name = names.next();
        try (SharedQueue consumer = SharedQueue.createMpsc(name, CAPACITY, 2, SharedMemoryOptions.defaults());
             SharedMemory raw = SharedMemory.open(name)) {
            MemorySegment region = raw.segment();
            assertThat(consumer.lanes()).isEqualTo(2);
            assertThat(region.byteSize()).isEqualTo(3 * (4096 + CAPACITY));
            List<SharedQueue> producers = new ArrayList<>();
            try {
                for (int p = 0; p < 3; p++) {
                    producers.add(SharedQueue.open(name));
                }
                for (int seq = 0; seq < 100; seq++) {
                    for (int p = 0; p < 3; p++) {
                        assertThat(producers.get(p).offer(p, message(seq))).isTrue();
                    }
                }
                assertThat(laneField(region, 0, QueueLayout.RECORDS_IN)).as("lane 0: the first producer's").isEqualTo(100);
                assertThat(laneField(region, 1, QueueLayout.RECORDS_IN)).as("lane 1: the second's").isEqualTo(100);
                assertThat(laneField(region, 0, QueueLayout.PRODUCER_PID) >>> 32).isEqualTo(MY_PID);
                QueueCounters c = consumer.counters();
                assertThat(c.recordsIn()).as("the lanes' and the third's, in the shared ring").isEqualTo(300);
                assertThat(c.depth()).isEqualTo(300 * 16);
                assertThat(c.bytesIn()).isEqualTo(300 * 16);

                Check check = new Check(3);
                while (consumer.poll(check, 7) > 0) {
                    // a few at a time, so that the consumer takes turns among the rings
                }
                assertThat(check.next).containsExactly(100, 100, 100);
                c = consumer.counters();
                assertThat(c.recordsOut()).isEqualTo(300);
                assertThat(c.depth()).isZero();
                assertThat(c.bytesOut()).isEqualTo(c.bytesIn());

                producers.getFirst().close();
                assertThat(laneField(region, 0, QueueLayout.PRODUCER_PID)).as("closing gives the lane up").isZero();
                try (SharedQueue next = SharedQueue.open(name)) {
                    assertThat(next.offer(0, message(100))).isTrue();
                    assertThat(laneField(region, 0, QueueLayout.RECORDS_IN)).as("the next handle took lane 0").isEqualTo(101);
                    assertThat(consumer.poll(check, 10)).isEqualTo(1);
                }
            } finally {
                producers.forEach(SharedQueue::close);
            }
        }
    }

    /** The first thread to produce through a handle has its lane; the handle's other threads share the ring. */
    @Test
    void theThreadsOfOneHandleKeepTheirOrderInTheLaneAndTheSharedRing() throws Exception {
        String name = names.next();
        int threads = 4;
        int each = 20_000;
        try (SharedQueue consumer = SharedQueue.createMpsc(name, CAPACITY, 4, SharedMemoryOptions.defaults());
             SharedQueue producer = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name);
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            assertThat(producer.lanes()).as("as the creator made it").isEqualTo(4);
            assertThat(producer.offer(0, message(0))).isTrue(); // this thread's: the lane
            List<Future<?>> sending = new ArrayList<>();
            for (int t = 1; t < threads; t++) {
                int type = t;
                sending.add(pool.submit(() -> {
                    for (int seq = 0; seq < each; seq++) {
                        assertThat(producer.send(type, message(seq), WaitStrategy.SPIN_THEN_YIELD,
                                Duration.ofSeconds(20))).isTrue();
                    }
                    return null;
                }));
            }
            Check check = new Check(threads);
            for (int seq = 1; seq < each; seq++) {
                while (!producer.offer(0, message(seq))) {
                    consumer.poll(check, 256); // this thread consumes too, between its own sends
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (check.total() < (long) threads * each) {
                consumer.receive(check, 256, WaitStrategy.SPIN_THEN_YIELD, Duration.ofMillis(100));
                assertThat(System.nanoTime() - deadline).as("%s", consumer.counters()).isNegative();
            }
            for (Future<?> f : sending) {
                f.get();
            }
            assertThat(check.next).containsOnly(each);
            MemorySegment region = raw.segment();
            assertThat(laneField(region, 0, QueueLayout.RECORDS_IN)).as("only the first thread's in the lane").isEqualTo(each);
            for (int lane = 1; lane < 4; lane++) {
                assertThat(laneField(region, lane, QueueLayout.RECORDS_IN)).as("lane %d unused", lane).isZero();
            }
            assertThat(QueueTesting.longField(region, QueueLayout.RECORDS_OUT)).as("the others' in the shared ring")
                    .isEqualTo((long) (threads - 1) * each);
        }
    }

    /**
     * A producer killed in a claim holds up only its lane; the next handle to find the lane's
     * holder dead takes the lane over, and the consumer skips the dead claim once.
     */
    @Test
    void aDeadProducersLaneIsTakenOverAndItsClaimSkipped() throws Exception {
        String name = names.next();
        try (SharedQueue consumer = SharedQueue.createMpsc(name, CAPACITY, 1, SharedMemoryOptions.defaults());
             SharedMemory raw = SharedMemory.open(name);
             QueueTesting.Group children = new QueueTesting.Group()) {
            consumer.setStuckTimeout(Duration.ofMillis(200));
            MemorySegment region = raw.segment();
            ChildJvm claimer = children.launch("claim-hold", name, "100");
            assertThat(Waits.lineStartingWith(claimer, "CLAIMED", Waits.STARTUP)).isEqualTo("CLAIMED " + RecordLayout.HEADER);
            assertThat(laneField(region, 0, QueueLayout.PRODUCER_PID) >>> 32).isEqualTo(claimer.process().pid());

            Check check = new Check(2);
            try (SharedQueue live = SharedQueue.open(name)) {
                for (int seq = 0; seq < 5; seq++) {
                    assertThat(live.offer(1, message(seq))).isTrue(); // the lane is held: the shared ring
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (check.next[1] < 5) {
                    consumer.receive(check, 10, WaitStrategy.PARK, Duration.ofMillis(50));
                    assertThat(System.nanoTime() - deadline).as("not held up by the claim in the lane").isNegative();
                }
            }
            assertThat(consumer.counters().skipped()).as("a live claimer is slow, not dead").isZero();

            claimer.kill9();
            try (SharedQueue successor = SharedQueue.open(name)) {
                for (int seq = 0; seq < 5; seq++) {
                    assertThat(successor.offer(0, message(seq))).isTrue();
                }
                assertThat(laneField(region, 0, QueueLayout.PRODUCER_PID) >>> 32).as("taken over").isEqualTo(MY_PID);
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (check.next[0] < 5) {
                    consumer.receive(check, 10, WaitStrategy.PARK, Duration.ofMillis(50));
                    assertThat(System.nanoTime() - deadline).as("%s", consumer.counters()).isNegative();
                }
            }
            QueueCounters c = consumer.counters();
            assertThat(c.skipped()).as("the dead claim, once").isEqualTo(1);
            assertThat(c.recordsOut()).isEqualTo(10);
            assertThat(c.depth()).isZero();
        }
    }

    /** (what, offset in the region, width, value, reason), for a queue of 2 lanes. */
    static Stream<Arguments> damagedLanes() {
        long lane1 = QueueLayout.laneOffset(CAPACITY, 1);
        long size = QueueLayout.regionSize(CAPACITY, 2);
        return Stream.of(
                Arguments.of("lane 1's magic", lane1 + QueueLayout.MAGIC_OFFSET, 4, 0x12345678L,
                        "lane 1: not a jshm queue: magic 0x12345678"),
                Arguments.of("lane 1 an MPSC queue", lane1 + QueueLayout.TYPE_OFFSET, 2, 2L,
                        "lane 1: type 2, where a lane is an SPSC queue (1)"),
                Arguments.of("lane 1 of another capacity", lane1 + QueueLayout.CAPACITY_OFFSET, 8, 2 * CAPACITY,
                        "lane 1: sizes disagree: capacity 32768 needs a region of 36864 bytes"),
                Arguments.of("lane 1 with lanes", lane1 + QueueLayout.LANES_OFFSET, 4, 1L,
                        "lane 1: lanes 1: only an MPSC queue has lanes"),
                Arguments.of("65 lanes", QueueLayout.LANES_OFFSET, 4, 65L, "lanes 65: only an MPSC queue has lanes, 0 to 64"),
                Arguments.of("-1 lanes", QueueLayout.LANES_OFFSET, 4, -1L, "lanes -1"),
                Arguments.of("3 lanes in a region for 2", QueueLayout.LANES_OFFSET, 4, 3L,
                        "capacity 16384 and 3 lanes need a region of 81920 bytes; the header says " + size),
                Arguments.of("1 lane in a region for 2", QueueLayout.LANES_OFFSET, 4, 1L,
                        "capacity 16384 and 1 lanes need a region of 40960 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedLanes")
    void aDamagedLaneOrLaneCountIsRefused(String what, long offset, int width, long value, String reason) {
        String name = names.next();
        try (SharedQueue creator = SharedQueue.createMpsc(name, CAPACITY, 2, SharedMemoryOptions.defaults());
             SharedMemory raw = SharedMemory.open(name)) {
            HostileQueueTest.write(raw.segment(), offset, width, value);
            assertThatThrownBy(() -> SharedQueue.open(name)).as(what)
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("queue '" + name + "' is corrupt or foreign: ")
                    .hasMessageContaining(reason);
            assertThatThrownBy(() -> QueueState.inspect(raw.segment(), name)).as(what)
                    .isInstanceOf(CorruptRegionException.class).hasMessageContaining(reason);
            assertThat(creator.lanes()).isEqualTo(2);
        }
    }

    @Test
    void anSpscOrBroadcastHeaderWithLanesIsRefused() {
        for (QueueType type : new QueueType[] {QueueType.SPSC, QueueType.BROADCAST}) {
            String name = names.next();
            try (SharedQueue creator = SharedQueue.create(name, CAPACITY, type);
                 SharedMemory raw = SharedMemory.open(name)) {
                raw.segment().set(ValueLayout.JAVA_INT, QueueLayout.LANES_OFFSET, 1);
                assertThatThrownBy(() -> SharedQueue.open(name)).as("%s", type)
                        .isInstanceOf(CorruptRegionException.class).hasMessageContaining("only an MPSC queue has lanes");
                assertThat(creator.lanes()).isZero();
            }
        }
    }

    @Test
    void garbageInALaneStopsTheConsumer() {
        String name = names.next();
        try (SharedQueue consumer = SharedQueue.createMpsc(name, CAPACITY, 2, SharedMemoryOptions.defaults());
             SharedQueue producer = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name)) {
            assertThat(producer.offer(0, message(0))).isTrue();
            assertThat(consumer.poll((t, b, o, l) -> { }, 10)).isEqualTo(1);
            long at = QueueLayout.laneOffset(CAPACITY, 0) + QueueLayout.HEADER_SIZE + 16; // the next record
            raw.segment().set(ValueLayout.JAVA_INT, at + RecordLayout.LENGTH_OFFSET, 0x7FFF_FFF0);
            assertThatThrownBy(() -> consumer.poll((t, b, o, l) -> { }, 10))
                    .isInstanceOf(CorruptRegionException.class).hasMessageContaining("impossible record at position 16");
        }
    }

    @Test
    void lanesOutOfRangeAreRefusedOnCreate() {
        assertThat(SharedQueue.MAX_LANES).isEqualTo(64);
        for (int lanes : new int[] {-1, SharedQueue.MAX_LANES + 1}) {
            assertThatThrownBy(() -> SharedQueue.createMpsc(names.next(), CAPACITY, lanes, SharedMemoryOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 64 lanes, got " + lanes);
        }
        try (SharedQueue none = SharedQueue.createMpsc(names.next(), CAPACITY, 0, SharedMemoryOptions.defaults());
             SharedQueue byDefault = SharedQueue.create(names.next(), CAPACITY, QueueType.MPSC)) {
            assertThat(none.lanes()).isZero();
            assertThat(byDefault.lanes()).as("create makes no lanes").isZero();
            assertThat(QueueLayout.regionSize(CAPACITY, 0)).isEqualTo(4096 + CAPACITY);
            assertThat(none.offer(0, message(1))).isTrue();
            assertThat(none.counters().recordsIn()).isEqualTo(1);
        }
    }
}
