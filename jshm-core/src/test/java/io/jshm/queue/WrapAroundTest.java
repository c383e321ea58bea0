package io.jshm.queue;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages of every size, 0 to the largest, claimed with every room left before the ring's end
 * that matters (8 bytes up to one more than the largest record): the record goes right there if
 * it fits, else a padding record fills the end and the message starts at the ring's beginning.
 * Each message must arrive alone (padding is never delivered), whole and right, and the bytes
 * counter must grow by exactly the padding plus the record.
 */
class WrapAroundTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(WrapAroundTest.class);

    static final int CAPACITY = 1024;

    @ParameterizedTest
    @EnumSource(QueueType.class)
    @Timeout(30)
    void everySizeAtEveryRoomBeforeTheRingsEnd(QueueType type) {
        try (QueueBasicsTest.Pair q = QueueBasicsTest.Pair.of(type, CAPACITY)) {
            SharedQueue producer = q.producer();
            SharedQueue consumer = q.consumer();
            int max = producer.maxMessageLength();
            int largestRecord = RecordLayout.aligned(RecordLayout.HEADER + max);
            MessageClaim claim = new MessageClaim();
            int[] got = new int[1];
            long checked = 0;
            long paddings = 0;
            for (int r = 8; r <= largestRecord + 8; r += 8) {
                for (int s = 0; s <= max; s++) {
                    int room = r;
                    int size = s;
                    moveTailTo(producer, consumer, CAPACITY - room);
                    long before = producer.counters().bytesIn();
                    int record = RecordLayout.aligned(RecordLayout.HEADER + size);
                    boolean fits = record <= room;
                    int tag = room * 1000 + size;

                    assertThat(producer.tryClaim(tag, size, claim)).isTrue();
                    long expectedStart = fits ? CAPACITY - room : 0;
                    assertThat(claim.offset()).as("room %d size %d", room, size)
                            .isEqualTo(expectedStart + RecordLayout.HEADER);
                    assertThat(claim.length()).isEqualTo(size);
                    for (int i = 0; i < size; i++) {
                        claim.buffer().set(ValueLayout.JAVA_BYTE, claim.offset() + i, (byte) (tag * 31 + i));
                    }
                    claim.commit();
                    assertThat(producer.counters().bytesIn() - before).as("room %d size %d", room, size)
                            .isEqualTo((fits ? 0 : room) + record);
                    paddings += fits ? 0 : 1;

                    got[0] = 0;
                    int n = consumer.poll((t, buffer, offset, length) -> {
                        assertThat(t).isEqualTo(tag);
                        assertThat(length).isEqualTo(size);
                        assertThat(offset).as("delivered in place").isEqualTo(type == QueueType.BROADCAST ? 0
                                : expectedStart + RecordLayout.HEADER);
                        for (int i = 0; i < size; i++) {
                            if (buffer.get(ValueLayout.JAVA_BYTE, offset + i) != (byte) (tag * 31 + i)) {
                                throw new AssertionError("room " + room + " size " + size + ": byte " + i + " differs");
                            }
                        }
                        got[0]++;
                    }, 10);
                    assertThat(n).as("room %d size %d: one message, no padding", room, size).isEqualTo(1);
                    assertThat(got[0]).isEqualTo(1);
                    checked++;
                }
            }
            QueueCounters c = producer.counters();
            if (type != QueueType.BROADCAST) {
                assertThat(c.depth()).isZero();
                assertThat(c.recordsOut()).isEqualTo(c.recordsIn());
            } else {
                assertThat(consumer.lost()).isZero();
            }
            assertThat(checked).isEqualTo((long) (largestRecord / 8 + 1) * (max + 1));
            assertThat(paddings).isPositive();
            System.out.printf("[wrap %s] %d placements, %d with padding, %d ring laps%n", type, checked, paddings,
                    c.bytesIn() / CAPACITY);
        }
    }

    /**
     * Sends and consumes filler messages until the tail is at ring index {@code target}, never
     * making padding: each filler fits exactly before the ring's end.
     */
    private static void moveTailTo(SharedQueue producer, SharedQueue consumer, long target) {
        int largest = RecordLayout.aligned(RecordLayout.HEADER + producer.maxMessageLength());
        while (true) {
            long index = producer.counters().bytesIn() & (CAPACITY - 1);
            if (index == target) {
                return;
            }
            long distance = index < target ? target - index : CAPACITY - index; // to the target, or to the end
            int record = (int) Math.min(distance, largest);
            if (distance - record > 0 && distance - record < 8) {
                record -= 8;
            }
            assertThat(producer.offer(Integer.MAX_VALUE, MemorySegment.ofArray(new byte[record - RecordLayout.HEADER])))
                    .isTrue();
            assertThat(consumer.poll((t, b, o, l) -> assertThat(t).isEqualTo(Integer.MAX_VALUE), 10)).isEqualTo(1);
        }
    }
}
