package io.jshm.queue;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MPSC records in, which no producer counts (decision 55): records out plus the committed
 * messages between the head and the tail, walked where the counters are read. Claims not yet
 * committed, aborted claims and padding are not messages; a damaged record stops the walk
 * without an exception; records in never falls below records out.
 */
@Timeout(10)
class MpscCountersTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MpscCountersTest.class);

    private static final MessageHandler IGNORE = (t, b, o, l) -> { };
    private static final MemorySegment MESSAGE = MemorySegment.ofArray(new byte[56]); // 64-byte records

    @Test
    void committedMessagesCountAndClaimsAbortsAndPaddingDoNot() {
        try (SharedQueue producer = SharedQueue.create(names.next(), 4096, QueueType.MPSC);
             SharedQueue other = SharedQueue.open(producer.name());
             SharedQueue consumer = SharedQueue.open(producer.name())) {
            assertThat(producer.counters().recordsIn()).isZero();
            for (int i = 0; i < 3; i++) {
                assertThat(producer.offer(1, MESSAGE)).isTrue();
            }
            MessageClaim held = new MessageClaim();
            assertThat(other.tryClaim(2, 8, held)).isTrue(); // claimed, not committed
            assertThat(producer.offer(1, MESSAGE)).isTrue(); // committed after the claim
            MessageClaim aborted = new MessageClaim();
            assertThat(producer.tryClaim(2, 8, aborted)).isTrue();
            aborted.abort();
            assertThat(producer.counters().recordsIn()).as("3 + 1 committed, a claim held, one aborted").isEqualTo(4);

            held.commit();
            assertThat(consumer.counters().recordsIn()).isEqualTo(5);
            assertThat(consumer.poll(IGNORE, 2)).isEqualTo(2);
            QueueCounters c = consumer.counters();
            assertThat(c.recordsOut()).isEqualTo(2);
            assertThat(c.recordsIn()).isEqualTo(5);
            assertThat(consumer.poll(IGNORE, 100)).isEqualTo(3);
            c = consumer.counters();
            assertThat(c.recordsOut()).isEqualTo(5);
            assertThat(c.recordsIn()).isEqualTo(5);
            assertThat(c.depth()).isZero();
        }
    }

    @Test
    void theWalkCrossesThePaddingAtTheRingsEnd() {
        try (SharedQueue producer = SharedQueue.create(names.next(), 4096, QueueType.MPSC);
             SharedQueue consumer = SharedQueue.open(producer.name())) {
            long sent = 0;
            long taken = 0;
            for (int round = 0; round < 3; round++) { // 3 × 40 records of 64 bytes: past the ring's end twice
                for (int i = 0; i < 40; i++) {
                    assertThat(producer.offer(1, MemorySegment.ofArray(new byte[8 + 8 * (i % 7)]))).isTrue();
                    sent++;
                }
                assertThat(producer.counters().recordsIn()).as("round %d, before polling", round).isEqualTo(sent);
                taken += consumer.poll(IGNORE, 25);
                assertThat(consumer.counters().recordsIn()).as("round %d, part taken", round).isEqualTo(sent);
                assertThat(consumer.counters().recordsOut()).isEqualTo(taken);
                while (taken < sent) {
                    taken += consumer.poll(IGNORE, 100);
                }
            }
            assertThat(consumer.counters().recordsIn()).isEqualTo(sent);
        }
    }

    @Test
    void aDamagedRecordStopsTheWalkQuietly() {
        try (SharedQueue producer = SharedQueue.create(names.next(), 4096, QueueType.MPSC);
             SharedQueue consumer = SharedQueue.open(producer.name())) {
            assertThat(consumer.poll(IGNORE, 1)).isZero(); // the consumer role
            for (int i = 0; i < 4; i++) {
                assertThat(producer.offer(1, MESSAGE)).isTrue();
            }
            assertThat(consumer.poll(IGNORE, 1)).isEqualTo(1);
            // the third record's length made impossible (past the ring), as a hostile peer might
            MemorySegment ring = producer.ring();
            ring.set(ValueLayout.JAVA_INT, 2 * 64 + RecordLayout.LENGTH_OFFSET, 1 << 30);
            QueueCounters c = producer.counters();
            assertThat(c.recordsOut()).isEqualTo(1);
            assertThat(c.recordsIn()).as("records out, and the one committed before the damage").isEqualTo(2);
        }
    }
}
