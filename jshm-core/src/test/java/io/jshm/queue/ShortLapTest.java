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
        try (Stream q = new Stream(SHORT_LAP)) {
            int messages = 2_000;
            long furthest = q.keepUp(messages);
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
        try (Stream q = new Stream(SHORT_LAP)) {
            for (int round = 0; round < 3; round++) { // from index 0, then from wherever the last round left the tail
                long start = q.producer().counters().bytesOut();
                q.fill();
                QueueCounters c = q.producer().counters();
                assertThat(c.depth()).as("round %d: a full ring, less what padding at its end and the next header take", round)
                        .isGreaterThan(CAPACITY - 2L * RECORD - RecordLayout.HEADER).isLessThanOrEqualTo(CAPACITY);
                assertThat(c.bytesIn() - start - c.depth()).as("round %d: padding only where records do not fit", round)
                        .isLessThan(RECORD);
                q.drain();
                assertThat(q.consumer().counters().depth()).isZero();
            }
        }
    }

    @Test
    @Timeout(20)
    void untilTheConsumerPassesThePaddingTheRoomIsWhatLiesBeforeIt() {
        try (Stream q = new Stream(SHORT_LAP)) {
            // keep up until the producer ends a lap early, then stop consuming
            while (true) {
                assertThat(q.offer()).isTrue();
                if (q.producer().counters().paddingIn() > 0) {
                    break;
                }
                assertThat(q.poll()).isEqualTo(1);
            }
            QueueCounters wrapped = q.producer().counters();
            long lapEnd = (wrapped.bytesIn() - RECORD - wrapped.paddingIn()) & (CAPACITY - 1); // the padding's index
            assertThat(lapEnd).isGreaterThanOrEqualTo(SHORT_LAP).isLessThan(SHORT_LAP + RECORD);
            assertThat(wrapped.depth()).as("the padding is not depth").isEqualTo(RECORD);
            int queued = q.fill();
            assertThat((long) (queued + 1) * RECORD).as("the records since the padding fill what lies before it")
                    .isGreaterThan(lapEnd - RECORD - RecordLayout.HEADER)
                    .isLessThanOrEqualTo(lapEnd);
            // once the consumer has passed the padding there is room again, at least the documented minimum
            q.drain();
            assertThat((long) q.fill() * RECORD).isGreaterThanOrEqualTo(SHORT_LAP * 3 / 4 - RECORD);
            q.drain();
            QueueCounters c = q.consumer().counters();
            assertThat(c.recordsOut()).isEqualTo(q.sent);
            assertThat(c.paddingOut()).isEqualTo(c.paddingIn());
            assertThat(c.depth()).isZero();
        }
    }

    @Test
    @Timeout(20)
    void offByDefaultLapsAreWhole() {
        try (Stream q = new Stream(0)) {
            long furthest = q.keepUp(300);
            q.producer().setShortLap(SHORT_LAP);
            q.producer().setShortLap(0); // and off again
            furthest = Math.max(furthest, q.keepUp(300));
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

    /**
     * An SPSC queue of {@link #CAPACITY} bytes, its producer (with short laps of {@code shortLap}
     * bytes, 0 for off) and its consumer in this process, sending {@link #SIZE}-byte messages
     * that carry their sequence number, and checking each as it arrives.
     */
    private static final class Stream implements AutoCloseable {
        private final QueueBasicsTest.Pair pair = QueueBasicsTest.Pair.of(QueueType.SPSC, CAPACITY);
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment message = arena.allocate(SIZE);
        private final MessageHandler check = (type, buffer, offset, length) -> {
            assertThat(length).isEqualTo(SIZE);
            assertThat(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset)).isEqualTo(this.received);
            assertThat(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + SIZE - 8)).isEqualTo(~this.received);
            this.received++;
        };
        long sent;
        long received;

        Stream(long shortLap) {
            pair.producer().setShortLap(shortLap);
        }

        SharedQueue producer() {
            return pair.producer();
        }

        SharedQueue consumer() {
            return pair.consumer();
        }

        /** {@return whether the next message went in} */
        boolean offer() {
            message.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, sent);
            message.set(ValueLayout.JAVA_LONG_UNALIGNED, SIZE - 8, ~sent);
            boolean in = pair.producer().offer(1, message);
            sent += in ? 1 : 0;
            return in;
        }

        /** {@return how many messages arrived (at most 10), each checked} */
        int poll() {
            return pair.consumer().poll(check, 10);
        }

        /** Offers until the queue is full. {@return how many went in} */
        int fill() {
            int n = 0;
            while (offer()) {
                n++;
            }
            return n;
        }

        /** Polls until every message sent has arrived. */
        void drain() {
            while (received < sent) {
                pair.consumer().poll(check, 1000);
            }
        }

        /**
         * Sends {@code messages} one at a time, each polled at once (one message a poll, the
         * padding never delivered). {@return the furthest ring index the tail reached}
         */
        long keepUp(int messages) {
            long furthest = 0;
            for (int i = 0; i < messages; i++) {
                assertThat(offer()).isTrue();
                furthest = Math.max(furthest, pair.producer().counters().bytesIn() & (CAPACITY - 1));
                assertThat(poll()).as("one message, no padding").isEqualTo(1);
            }
            assertThat(received).isEqualTo(sent);
            return furthest;
        }

        @Override
        public void close() {
            arena.close();
            pair.close();
        }
    }
}
