package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WaitStrategy#PARK} across processes: a consumer process asleep in {@code receive} wakes
 * when the test sends, and a producer process asleep in {@code send} on a full queue wakes when
 * the test drains it, each within 2 s; and the sender or drainer did call the kernel to wake it
 * (the futex word's sequence moved), rather than the sleeper noticing on its own.
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class ParkWakeTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ParkWakeTest.class);

    static final long CAPACITY = 16 * 1024;
    static final Duration PROMPTLY = Duration.ofSeconds(2);

    @ParameterizedTest
    @EnumSource(QueueType.class)
    @Timeout(30)
    void aConsumerProcessParkedInReceiveWakesWhenTheTestSends(QueueType type) throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, type);
             SharedMemory raw = SharedMemory.open(name);
             QueueTesting.Group children = new QueueTesting.Group()) {
            MemorySegment region = raw.segment();
            ChildJvm consumer = children.launch("park-receive", name);
            consumer.await("READY", Waits.STARTUP);
            awaitANewSliceOfSleep("the consumer", region, QueueLayout.CONSUMERS_WAITING, QueueLayout.CONSUMERS_ARRIVALS,
                    consumer);
            int sequence = QueueTesting.intField(region, QueueLayout.DATA_SEQUENCE);

            long start = System.nanoTime();
            assertThat(producer.offer(77, MemorySegment.ofArray(new byte[] {1, 2, 3}))).isTrue();
            assertThat(consumer.nextLine(PROMPTLY)).isEqualTo("GOT 1 77");
            long millis = Waits.millisSince(start);
            System.out.printf("[park %s] consumer woke %d ms after the send%n", type, millis);
            assertThat(millis).isLessThan(PROMPTLY.toMillis());
            assertThat(QueueTesting.intField(region, QueueLayout.DATA_SEQUENCE))
                    .as("the producer woke the sleeper").isNotEqualTo(sequence);
            Waits.awaitSuccess(consumer, Duration.ofSeconds(10));
            assertThat(QueueTesting.intField(region, QueueLayout.CONSUMERS_WAITING)).isZero();
        }
    }

    @Test
    @Timeout(30)
    void aProducerProcessParkedInSendOnAFullQueueWakesWhenTheTestDrains() throws Exception {
        String name = names.next();
        try (SharedQueue consumer = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             SharedMemory raw = SharedMemory.open(name);
             QueueTesting.Group children = new QueueTesting.Group()) {
            MemorySegment region = raw.segment();
            ChildJvm producer = children.launch("park-send", name, "1000");
            String full = Waits.lineStartingWith(producer, "FULL", Waits.STARTUP);
            int queued = Integer.parseInt(full.substring("FULL ".length()));
            assertThat(queued).isEqualTo((int) (CAPACITY / 1008));
            awaitANewSliceOfSleep("the producer", region, QueueLayout.PRODUCERS_WAITING, QueueLayout.PRODUCERS_ARRIVALS,
                    producer);
            int sequence = QueueTesting.intField(region, QueueLayout.SPACE_SEQUENCE);

            long start = System.nanoTime();
            assertThat(consumer.poll((t, b, o, l) -> { }, queued)).isEqualTo(queued); // the woken producer may add one meanwhile
            assertThat(producer.nextLine(PROMPTLY)).isEqualTo("SENT true " + queued);
            long millis = Waits.millisSince(start);
            System.out.printf("[park] producer woke %d ms after the drain%n", millis);
            assertThat(millis).isLessThan(PROMPTLY.toMillis());
            assertThat(QueueTesting.intField(region, QueueLayout.SPACE_SEQUENCE))
                    .as("the consumer woke the sleeper").isNotEqualTo(sequence);
            int[] type = {-1};
            assertThat(consumer.receive((t, b, o, l) -> type[0] = t, 1, WaitStrategy.PARK, PROMPTLY)).isEqualTo(1);
            assertThat(type[0]).isEqualTo(queued);
            Waits.awaitSuccess(producer, Duration.ofSeconds(10));
        }
    }

    /**
     * An MPSC producer process killed while asleep in {@code send} leaves the producers' count of
     * sleepers raised for good. The consumer then wakes (a system call) once, not on every release
     * after it; and a live producer that goes to sleep later is still woken at once.
     */
    @Test
    @Timeout(30)
    void aProducerKilledAsleepCostsTheConsumerOneWakeAndALaterSleeperIsStillWoken() throws Exception {
        String name = names.next();
        try (SharedQueue consumer = SharedQueue.create(name, CAPACITY, QueueType.MPSC);
             SharedQueue producer = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name);
             QueueTesting.Group children = new QueueTesting.Group()) {
            MemorySegment region = raw.segment();
            ChildJvm doomed = children.launch("park-send", name, "1000");
            Waits.lineStartingWith(doomed, "FULL", Waits.STARTUP);
            Waits.awaitCondition("the producer sleeps", Duration.ofSeconds(10),
                    () -> QueueTesting.intField(region, QueueLayout.PRODUCERS_WAITING) > 0, doomed::diagnostics);
            doomed.kill9();
            assertThat(QueueTesting.intField(region, QueueLayout.PRODUCERS_WAITING))
                    .as("the dead sleeper's count stays").isEqualTo(1);

            int before = QueueTesting.intField(region, QueueLayout.SPACE_SEQUENCE);
            consumer.poll((t, b, o, l) -> { }, Integer.MAX_VALUE);
            MemorySegment small = MemorySegment.ofArray(new byte[16]);
            for (int i = 0; i < 200; i++) { // 200 releases
                assertThat(producer.offer(i, small)).isTrue();
                assertThat(consumer.poll((t, b, o, l) -> { }, 1)).isEqualTo(1);
            }
            assertThat(QueueTesting.intField(region, QueueLayout.SPACE_SEQUENCE) - before)
                    .as("wakes for a sleeper that is dead").isEqualTo(1);

            // A live producer (a thread of this test) fills the queue and sleeps in send.
            MemorySegment big = MemorySegment.ofArray(new byte[1000]);
            int queued = 0;
            while (producer.offer(queued, big)) {
                queued++;
            }
            int arrivals = QueueTesting.intField(region, QueueLayout.PRODUCERS_ARRIVALS);
            CompletableFuture<Boolean> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return producer.send(999, big, WaitStrategy.PARK, Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Waits.awaitCondition("the live producer sleeps", Duration.ofSeconds(10),
                    () -> QueueTesting.intField(region, QueueLayout.PRODUCERS_ARRIVALS) != arrivals);
            int sequence = QueueTesting.intField(region, QueueLayout.SPACE_SEQUENCE);
            long start = System.nanoTime();
            assertThat(consumer.poll((t, b, o, l) -> { }, queued)).isEqualTo(queued);
            assertThat(QueueTesting.intField(region, QueueLayout.SPACE_SEQUENCE))
                    .as("the consumer woke the live sleeper").isNotEqualTo(sequence);
            assertThat(sending.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            System.out.printf("[park] live producer woke %d ms after the drain, beside a dead sleeper%n",
                    Waits.millisSince(start));
        }
    }

    /**
     * Waits until {@code who} sleeps, then until it begins a new slice of that sleep (a sleeper
     * re-arrives every {@code Waiting.SLICE_NANOS}), so that what the test does next finds it
     * asleep: at a slice's end it is briefly not counted as waiting, and what is published then
     * is found by its next poll, with no wake to see.
     */
    private static void awaitANewSliceOfSleep(String who, MemorySegment region, long waiting, long arrivals,
                                              ChildJvm child) throws InterruptedException {
        Waits.awaitCondition(who + " sleeps", Duration.ofSeconds(10),
                () -> QueueTesting.intField(region, waiting) > 0, child::diagnostics);
        int arrived = QueueTesting.intField(region, arrivals);
        Waits.awaitCondition(who + " begins a new slice of sleep", Duration.ofSeconds(10),
                () -> QueueTesting.intField(region, arrivals) != arrived && QueueTesting.intField(region, waiting) > 0,
                child::diagnostics);
    }
}
