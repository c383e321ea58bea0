package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four producer JVMs each send 100,000 sequence-numbered messages of random sizes (1 byte to an
 * eighth of the ring, log-uniform) into one MPSC queue of 64 KiB, which wraps thousands of times;
 * the test JVM consumes. Every message must arrive exactly once, in its producer's order, with
 * every byte right ({@link StreamCheck}); producers wait in {@code send} while the queue is full.
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class MpscProcessesTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MpscProcessesTest.class);

    static final long CAPACITY = 64 * 1024;
    static final int PRODUCERS = 4;
    static final int MESSAGES = 100_000;

    @Test
    @Timeout(90)
    void fourProducerProcessesParkWhileFullAndEveryMessageArrivesOnceInOrder() throws Exception {
        run("park", 0, WaitStrategy.PARK, WaitStrategy.PARK); // the default: one shared ring
    }

    /**
     * Yielding producers; the consumer spins, then yields. Two lanes: two producers have one each,
     * the other two share the queue's ring, reserving by compare-and-set (decision 63).
     */
    @Test
    @Timeout(90)
    void fourProducerProcessesYieldWhileFullAndEveryMessageArrivesOnceInOrder() throws Exception {
        run("yield", 2, WaitStrategy.SPIN_THEN_YIELD, WaitStrategy.SPIN_THEN_YIELD);
    }

    private static void run(String label, int lanes, WaitStrategy producers, WaitStrategy consumer) throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("MpscProcessesTest." + label);
        int max = (int) (CAPACITY / 8);
        try (SharedQueue queue = SharedQueue.createMpsc(name, CAPACITY, lanes, SharedMemoryOptions.defaults());
             QueueTesting.Group children = new QueueTesting.Group()) {
            for (int p = 0; p < PRODUCERS; p++) {
                children.launch("produce", name, Integer.toString(p), Integer.toString(MESSAGES), Long.toString(seed),
                        "1", Integer.toString(max), producers.name());
            }
            children.awaitAll("READY", Waits.STARTUP);
            long start = System.nanoTime();
            children.sendAll("GO");

            StreamCheck check = new StreamCheck(PRODUCERS, seed, 1, max);
            long total = (long) PRODUCERS * MESSAGES;
            long deadline = System.nanoTime() + Duration.ofSeconds(70).toNanos();
            while (check.total < total) {
                if (queue.receive(check, 256, consumer, Duration.ofMillis(200)) == 0) {
                    children.checkNoneFailed();
                    assertThat(System.nanoTime() - deadline).as("%s; %s", check, queue.counters()).isNegative();
                }
            }
            long millis = Waits.millisSince(start);
            for (ChildJvm child : children.list()) {
                Waits.awaitSuccess(child, Duration.ofSeconds(20));
            }
            for (int p = 0; p < PRODUCERS; p++) {
                assertThat(check.received(p)).as("messages of producer %d", p).isEqualTo(MESSAGES);
            }
            assertThat(queue.poll((t, b, o, l) -> { }, 10)).as("nothing after the last message").isZero();
            QueueCounters c = queue.counters();
            System.out.printf("[mpsc %s, %d lanes] %d messages, %d payload bytes, %d ring laps in %d ms%n", label,
                    lanes, check.total, check.payloadBytes, c.bytesIn() / CAPACITY, millis);
            assertThat(c.recordsIn()).isEqualTo(total);
            assertThat(c.recordsOut()).isEqualTo(total);
            assertThat(c.depth()).isZero();
            assertThat(c.bytesOut()).isEqualTo(c.bytesIn());
            assertThat(c.skipped()).isZero();
            assertThat(c.bytesIn() / CAPACITY).as("ring laps").isGreaterThan(1000);
            try (SharedMemory raw = SharedMemory.open(name)) {
                for (int lane = 0; lane < lanes; lane++) {
                    assertThat(QueueTesting.longField(raw.segment(), QueueLayout.laneOffset(CAPACITY, lane)
                            + QueueLayout.RECORDS_OUT)).as("messages through lane %d", lane).isEqualTo(MESSAGES);
                }
                assertThat(QueueTesting.longField(raw.segment(), QueueLayout.RECORDS_OUT))
                        .as("messages through the shared ring").isEqualTo((long) (PRODUCERS - lanes) * MESSAGES);
            }
        }
    }
}
