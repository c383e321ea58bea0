package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One producer, one consumer, in two processes: 100,000 sequence-numbered messages of random
 * sizes (1 byte to an eighth of the 64 KiB ring) arrive exactly once, in order, every byte right.
 * Once with a producer child that parks while the queue is full and the test consuming with a
 * busy spin; once the other way round, the test sending with spin-then-yield and the consuming
 * child parking and logging every seq into a second region.
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class SpscProcessesTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(SpscProcessesTest.class);

    static final long CAPACITY = 64 * 1024;
    static final int MESSAGES = 100_000;
    static final int MAX = (int) (CAPACITY / 8);

    @Test
    @Timeout(60)
    void producerProcessParksConsumingTestBusySpins() throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("SpscProcessesTest.producerProcess");
        try (SharedQueue queue = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             QueueTesting.Group children = new QueueTesting.Group()) {
            ChildJvm producer = children.launch("produce", name, "0", Integer.toString(MESSAGES), Long.toString(seed),
                    "1", Integer.toString(MAX), WaitStrategy.PARK.name());
            producer.await("READY", Waits.STARTUP);
            long start = System.nanoTime();
            producer.send("GO");
            StreamCheck check = receiveAll(queue, children, seed);
            long millis = Waits.millisSince(start);
            Waits.awaitSuccess(producer, Duration.ofSeconds(20));
            assertThat(queue.poll()).as("nothing after the last message").isNull();
            QueueCounters c = queue.counters();
            System.out.printf("[spsc producer process] %d messages, %d payload bytes, %d ring laps in %d ms%n", check.total,
                    check.payloadBytes, c.bytesIn() / CAPACITY, millis);
            assertCounters(c, producer.pid());
        }
    }

    /** As above, through a 1 MiB ring whose producer child has 64 KiB short laps on. */
    @Test
    @Timeout(60)
    void shortLapsAcrossProcesses() throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("SpscProcessesTest.shortLaps");
        long capacity = 1 << 20;
        try (SharedQueue queue = SharedQueue.create(name, capacity, QueueType.SPSC);
             QueueTesting.Group children = new QueueTesting.Group()) {
            ChildJvm producer = children.launch("produce", name, "0", Integer.toString(MESSAGES), Long.toString(seed),
                    "1", Integer.toString(MAX), WaitStrategy.SPIN_THEN_YIELD.name(), Integer.toString(64 << 10));
            producer.await("READY", Waits.STARTUP);
            producer.send("GO");
            StreamCheck check = receiveAll(queue, children, seed);
            Waits.awaitSuccess(producer, Duration.ofSeconds(20));
            assertThat(queue.poll()).as("nothing after the last message").isNull();
            QueueCounters c = queue.counters();
            long laps = c.bytesIn() / capacity;
            System.out.printf("[spsc short laps] %d messages, %d payload bytes, %d ring laps, %d of padding%n",
                    check.total, check.payloadBytes, laps, c.paddingIn());
            assertThat(c.recordsIn()).isEqualTo(MESSAGES);
            assertThat(c.recordsOut()).isEqualTo(MESSAGES);
            assertThat(c.depth()).isZero();
            assertThat(c.bytesOut()).isEqualTo(c.bytesIn());
            assertThat(c.paddingOut()).isEqualTo(c.paddingIn());
            assertThat(c.skipped()).isZero();
            assertThat(c.paddingIn()).as("more padding than whole laps make at the ring's end: some laps were short")
                    .isGreaterThan((laps + 1) * RecordLayout.aligned(RecordLayout.HEADER + MAX));
        }
    }

    @Test
    @Timeout(60)
    void producingTestYieldsConsumerProcessParks() throws Exception {
        String name = names.next();
        String logName = names.next();
        long seed = QueueTesting.seed("SpscProcessesTest.consumerProcess");
        try (SharedQueue queue = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             SharedMemory log = SharedMemory.create(logName, QueueChild.LOG_ENTRIES + 8L * MESSAGES);
             QueueTesting.Group children = new QueueTesting.Group();
             Arena arena = Arena.ofConfined()) {
            ChildJvm consumer = children.launch("consume-log", name, logName, Long.toString(seed), "1",
                    Integer.toString(MAX), Integer.toString(MESSAGES - 1), "1000");
            consumer.await("READY", Waits.STARTUP);
            long start = System.nanoTime();
            MemorySegment buffer = arena.allocate(MAX, 8);
            for (int seq = 0; seq < MESSAGES; seq++) {
                int length = Payloads.length(seed, 0, seq, 1, MAX);
                Payloads.fill(buffer, 0, length, seed, 0, seq);
                if (!queue.send(Payloads.type(0, seq), buffer.asSlice(0, length), WaitStrategy.SPIN_THEN_YIELD,
                        Duration.ofMillis(500))) {
                    children.checkNoneFailed();
                    seq--; // the consumer is alive but slow: try again
                }
            }
            consumer.await("DONE " + MESSAGES, Duration.ofSeconds(30));
            long millis = Waits.millisSince(start);
            Waits.awaitSuccess(consumer, Duration.ofSeconds(20));
            MemorySegment entries = log.segment();
            assertThat(QueueTesting.longField(entries, QueueChild.LOG_COUNT)).isEqualTo(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                long seq = entries.get(ValueLayout.JAVA_LONG, QueueChild.LOG_ENTRIES + 8L * i);
                if (seq != i) {
                    throw new AssertionError("log entry " + i + " is seq " + seq);
                }
            }
            QueueCounters c = queue.counters();
            System.out.printf("[spsc consumer process] %d messages, %d ring laps in %d ms%n", MESSAGES, c.bytesIn() / CAPACITY,
                    millis);
            assertCounters(c, ProcessHandle.current().pid());
        }
    }

    /** Busy-spins until {@link #MESSAGES} messages of producer 0 have arrived and checked, for at most 40 s. */
    private static StreamCheck receiveAll(SharedQueue queue, QueueTesting.Group children, long seed)
            throws InterruptedException {
        StreamCheck check = new StreamCheck(1, seed, 1, MAX);
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (check.total < MESSAGES) {
            if (queue.receive(check, 256, WaitStrategy.BUSY_SPIN, Duration.ofMillis(200)) == 0) {
                children.checkNoneFailed();
                assertThat(System.nanoTime() - deadline).as("%s; %s", check, queue.counters()).isNegative();
            }
        }
        return check;
    }

    private static void assertCounters(QueueCounters c, long producerPid) {
        assertThat(c.recordsIn()).isEqualTo(MESSAGES);
        assertThat(c.recordsOut()).isEqualTo(MESSAGES);
        assertThat(c.depth()).isZero();
        assertThat(c.bytesOut()).isEqualTo(c.bytesIn());
        assertThat(c.skipped()).isZero();
        assertThat(c.bytesIn() / CAPACITY).as("ring laps").isGreaterThan(800);
        assertThat(c.type()).isEqualTo(QueueType.SPSC);
        assertThat(c.capacity()).isEqualTo(CAPACITY);
        if (producerPid == ProcessHandle.current().pid()) {
            assertThat(c.producerPid()).isEqualTo(producerPid);
        }
    }
}
