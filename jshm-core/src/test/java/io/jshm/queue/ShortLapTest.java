package io.jshm.queue;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SPSC short laps ({@link SharedQueue#setShortLap}): a producer whose consumer keeps up ends each
 * lap of the ring early, past its first 64 KiB, with padding to the ring's end; a consumer that
 * falls behind still gets the whole ring; until the consumer passes that padding the producer has
 * only the room before it; off, the default, laps are whole. The padding is never delivered, and
 * the counters keep it apart from the messages.
 */
class ShortLapTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ShortLapTest.class);

    static final long CAPACITY = 1 << 20;
    static final long SHORT_LAP = 64 << 10;
    static final int SIZE = 4096;
    static final int RECORD = RecordLayout.aligned(RecordLayout.HEADER + SIZE);

    @Test
    @Timeout(20)
    void aConsumerThatKeepsUpKeepsTheProducerInTheFirstShortLap() {
        try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(QueueType.SPSC, CAPACITY);
             Arena arena = Arena.ofConfined()) {
            q.producer().setShortLap(SHORT_LAP);
            MemorySegment message = arena.allocate(SIZE);
            long[] next = {0};
            long furthest = 0;
            int messages = 2_000;
            for (int seq = 0; seq < messages; seq++) {
                stamp(message, seq);
                assertThat(q.producer().offer(1, message)).isTrue();
                furthest = Math.max(furthest, q.producer().counters().bytesIn() & (CAPACITY - 1));
                assertThat(q.consumer().poll((type, buffer, offset, length) -> check(buffer, offset, length, next[0]++), 10))
                        .as("one message, no padding").isEqualTo(1);
            }
            assertThat(next[0]).isEqualTo(messages);
            assertThat(furthest).as("the producer's furthest ring index").isLessThanOrEqualTo(SHORT_LAP + RECORD);
            QueueCounters c = q.consumer().counters();
            assertThat(c.bytesIn() - c.paddingIn()).as("bytes of messages").isEqualTo((long) messages * RECORD);
            assertThat(c.bytesIn() / CAPACITY).as("laps").isGreaterThan((long) messages * RECORD / SHORT_LAP / 2);
            assertThat(c.paddingOut()).isEqualTo(c.paddingIn());
            assertThat(c.bytesOut()).isEqualTo(c.bytesIn());
            assertThat(c.depth()).isZero();
            assertThat(c.recordsOut()).isEqualTo(messages);
        }
    }

    @Test
    @Timeout(20)
    void aConsumerThatFallsBehindGetsTheWholeRing() {
        try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(QueueType.SPSC, CAPACITY);
             Arena arena = Arena.ofConfined()) {
            q.producer().setShortLap(SHORT_LAP);
            MemorySegment message = arena.allocate(SIZE);
            for (int round = 0; round < 3; round++) { // from index 0, then from wherever the last round left the tail
                long start = q.producer().counters().bytesOut();
                int queued = 0;
                while (true) {
                    stamp(message, queued);
                    if (!q.producer().offer(1, message)) {
                        break;
                    }
                    queued++;
                }
                QueueCounters c = q.producer().counters();
                assertThat(c.depth()).as("round %d: a full ring, less what padding at its end and the next header take", round)
                        .isGreaterThan(CAPACITY - 2L * RECORD - RecordLayout.HEADER).isLessThanOrEqualTo(CAPACITY);
                assertThat(c.bytesIn() - start - c.depth()).as("round %d: padding only where records do not fit", round)
                        .isLessThan(RECORD);
                long[] next = {0};
                int drained = 0;
                while (drained < queued) {
                    drained += q.consumer().poll((type, buffer, offset, length) -> check(buffer, offset, length, next[0]++),
                            1000);
                }
                assertThat(next[0]).isEqualTo(queued);
                assertThat(q.consumer().counters().depth()).isZero();
            }
        }
    }

    @Test
    @Timeout(20)
    void untilTheConsumerPassesThePaddingTheRoomIsWhatLiesBeforeIt() {
        try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(QueueType.SPSC, CAPACITY);
             Arena arena = Arena.ofConfined()) {
            q.producer().setShortLap(SHORT_LAP);
            MemorySegment message = arena.allocate(SIZE);
            long[] next = {0};
            int seq = 0;
            // keep up until the producer ends a lap early, then stop consuming
            while (true) {
                stamp(message, seq++);
                assertThat(q.producer().offer(1, message)).isTrue();
                if (q.producer().counters().paddingIn() > 0) {
                    break;
                }
                assertThat(q.consumer().poll((type, buffer, offset, length) -> check(buffer, offset, length, next[0]++), 10))
                        .isEqualTo(1);
            }
            QueueCounters wrapped = q.producer().counters();
            long lapEnd = (wrapped.bytesIn() - RECORD - wrapped.paddingIn()) & (CAPACITY - 1); // the padding's index
            assertThat(lapEnd).isGreaterThanOrEqualTo(SHORT_LAP).isLessThan(SHORT_LAP + RECORD);
            assertThat(wrapped.depth()).as("the padding is not depth").isEqualTo(RECORD);
            int queued = 0;
            while (true) {
                stamp(message, seq);
                if (!q.producer().offer(1, message)) {
                    break;
                }
                seq++;
                queued++;
            }
            assertThat((long) (queued + 1) * RECORD).as("the records since the padding fill what lies before it")
                    .isGreaterThan(lapEnd - RECORD - RecordLayout.HEADER)
                    .isLessThanOrEqualTo(lapEnd);
            // once the consumer has passed the padding there is room again, at least the documented minimum
            int drained = 0;
            while (drained < queued + 1) {
                drained += q.consumer().poll((type, buffer, offset, length) -> check(buffer, offset, length, next[0]++), 1000);
            }
            int more = 0;
            while (true) {
                stamp(message, seq);
                if (!q.producer().offer(1, message)) {
                    break;
                }
                seq++;
                more++;
            }
            assertThat((long) more * RECORD).isGreaterThanOrEqualTo(SHORT_LAP * 3 / 4 - RECORD);
            while (next[0] < seq) {
                q.consumer().poll((type, buffer, offset, length) -> check(buffer, offset, length, next[0]++), 1000);
            }
            QueueCounters c = q.consumer().counters();
            assertThat(c.recordsOut()).isEqualTo(seq);
            assertThat(c.paddingOut()).isEqualTo(c.paddingIn());
            assertThat(c.depth()).isZero();
        }
    }

    @Test
    @Timeout(20)
    void offByDefaultLapsAreWhole() {
        try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(QueueType.SPSC, CAPACITY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(SIZE);
            long[] next = {0};
            long furthest = 0;
            int messages = 600;
            for (int seq = 0; seq < messages; seq++) {
                stamp(message, seq);
                assertThat(q.producer().offer(1, message)).isTrue();
                furthest = Math.max(furthest, q.producer().counters().bytesIn() & (CAPACITY - 1));
                assertThat(q.consumer().poll((type, buffer, offset, length) -> check(buffer, offset, length, next[0]++), 10))
                        .isEqualTo(1);
                if (seq == messages / 2) {
                    q.producer().setShortLap(SHORT_LAP);
                    q.producer().setShortLap(0); // and off again
                }
            }
            assertThat(furthest).isGreaterThan(CAPACITY - RECORD - RecordLayout.HEADER);
            QueueCounters c = q.consumer().counters();
            assertThat(c.paddingIn()).as("padding only at the ring's end").isLessThan(RECORD * (c.bytesIn() / CAPACITY + 1));
        }
    }

    @Test
    void onlySpscQueuesAndSensibleLengths() {
        try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(QueueType.SPSC, CAPACITY)) {
            for (long bad : new long[] {-8, 8, 4095, 4100, CAPACITY / 4 + 8, CAPACITY}) {
                assertThatThrownBy(() -> q.producer().setShortLap(bad)).as("%d", bad)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(q.producer().name())
                        .hasMessageContaining("from 4096 to " + CAPACITY / 4);
            }
            q.producer().setShortLap(4096);
            q.producer().setShortLap(CAPACITY / 4);
        }
        for (QueueType type : new QueueType[] {QueueType.MPSC, QueueType.BROADCAST}) {
            try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(type, CAPACITY)) {
                assertThatThrownBy(() -> q.producer().setShortLap(SHORT_LAP)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("short laps are for SPSC queues");
            }
        }
    }

    private static void stamp(MemorySegment message, long seq) {
        message.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
        message.set(ValueLayout.JAVA_LONG_UNALIGNED, SIZE - 8, ~seq);
    }

    private static void check(MemorySegment buffer, long offset, int length, long seq) {
        assertThat(length).isEqualTo(SIZE);
        assertThat(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset)).isEqualTo(seq);
        assertThat(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + SIZE - 8)).isEqualTo(~seq);
    }
}
