package io.jshm.queue;

import io.jshm.SharedMemoryOptions;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MPSC consumer's claim hold-off (decision 65): after a poll that took messages and stopped
 * at a record still being written, the handle's polls leave the ring alone for the hold-off, and
 * the record arrives with the first poll after it; a poll that took nothing starts none, and
 * zero turns it off. One thread plays producer and consumer, with a zero-copy claim held open as
 * the producer still writing; the hold-offs are long (200 ms), so that no test depends on how
 * fast this machine runs.
 */
@Timeout(30)
class MpscClaimHoldOffTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MpscClaimHoldOffTest.class);

    private static final long CAPACITY = 16 * 1024;
    private static final Duration LONG_HOLD_OFF = Duration.ofMillis(200);

    private final List<Long> received = new ArrayList<>();
    private final MessageHandler handler = (type, buffer, offset, length) ->
            received.add(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));

    private static MemorySegment message(long value) {
        return MemorySegment.ofArray(new long[] {value});
    }

    private static void write(MessageClaim claim, long value) {
        claim.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, claim.offset(), value);
    }

    /**
     * Message 1 offered, then a claim held open (a producer still writing its record), then a
     * poll that takes message 1 and stops at the claim; the claim is then committed as message 2.
     */
    private void catchUpWithAWriter(SharedQueue queue) {
        MessageClaim claim = new MessageClaim();
        assertThat(queue.offer(0, message(1))).isTrue();
        assertThat(queue.tryClaim(0, 8, claim)).isTrue();
        assertThat(queue.poll(handler, 10)).as("the first message, then the claim").isEqualTo(1);
        write(claim, 2);
        claim.commit();
    }

    @Test
    void aPollThatCatchesUpWithAWriterHoldsOffAndTheRecordFollows() throws InterruptedException {
        try (SharedQueue queue = SharedQueue.create(names.next(), CAPACITY, QueueType.MPSC)) {
            assertThat(queue.claimHoldOff()).isEqualTo(SharedQueue.DEFAULT_CLAIM_HOLD_OFF).isEqualTo(Duration.ofNanos(250));
            queue.setClaimHoldOff(LONG_HOLD_OFF);
            catchUpWithAWriter(queue);
            long committed = System.nanoTime();
            assertThat(queue.poll(handler, 10)).as("held off, though the record is committed").isZero();
            QueueCounters counters = queue.counters();
            assertThat(counters.recordsIn() - counters.recordsOut()).as("waiting in the ring").isEqualTo(1);

            while (queue.poll(handler, 10) == 0) {
                Thread.sleep(5);
            }
            long taken = System.nanoTime();
            assertThat(received).containsExactly(1L, 2L);
            assertThat(Duration.ofNanos(taken - committed)).as("not before the hold-off passed")
                    .isGreaterThanOrEqualTo(LONG_HOLD_OFF.minusMillis(5));
        }
    }

    @Test
    void aPollThatTookNothingStartsNoHoldOff() {
        try (SharedQueue queue = SharedQueue.create(names.next(), CAPACITY, QueueType.MPSC)) {
            queue.setClaimHoldOff(LONG_HOLD_OFF);
            MessageClaim claim = new MessageClaim();
            assertThat(queue.tryClaim(0, 8, claim)).isTrue();

            assertThat(queue.poll(handler, 10)).as("only a claim: a request still arriving").isZero();
            write(claim, 7);
            claim.commit();
            assertThat(queue.poll(handler, 10)).as("taken at once").isEqualTo(1);
            assertThat(received).containsExactly(7L);
        }
    }

    @Test
    void zeroTurnsItOff() {
        try (SharedQueue queue = SharedQueue.create(names.next(), CAPACITY, QueueType.MPSC)) {
            queue.setClaimHoldOff(Duration.ZERO);
            catchUpWithAWriter(queue);
            assertThat(queue.poll(handler, 10)).as("no hold-off").isEqualTo(1);
            assertThat(received).containsExactly(1L, 2L);
        }
    }

    @Test
    void receiveWaitsOutAHoldOff() throws InterruptedException {
        for (WaitStrategy wait : WaitStrategy.values()) {
            received.clear();
            try (SharedQueue queue = SharedQueue.create(names.next(), CAPACITY, QueueType.MPSC)) {
                queue.setClaimHoldOff(LONG_HOLD_OFF);
                catchUpWithAWriter(queue);
                assertThat(queue.receive(handler, 10, wait, Duration.ofSeconds(5))).as("%s", wait).isEqualTo(1);
                assertThat(received).as("%s", wait).containsExactly(1L, 2L);
            }
        }
    }

    @Test
    void theSharedRingOfAQueueWithLanesHoldsOffAndItsLanesDoNot() throws Exception {
        try (SharedQueue queue = SharedQueue.createMpsc(names.next(), CAPACITY, 1, SharedMemoryOptions.defaults());
             SharedQueue producer = SharedQueue.open(queue.name());
             ExecutorService other = Executors.newSingleThreadExecutor()) {
            queue.setClaimHoldOff(LONG_HOLD_OFF);
            assertThat(producer.offer(0, message(1))).as("this thread takes the lane").isTrue();
            MessageClaim claim = new MessageClaim();
            // another thread of the same handle shares the queue's own ring, and holds a claim there
            other.submit(() -> {
                assertThat(producer.offer(0, message(2))).isTrue();
                assertThat(producer.tryClaim(0, 8, claim)).isTrue();
            }).get();

            assertThat(queue.poll(handler, 10)).as("the lane's message, then the ring's, then the claim").isEqualTo(2);
            assertThat(received).containsExactlyInAnyOrder(1L, 2L);
            other.submit(() -> {
                write(claim, 3);
                claim.commit();
            }).get();
            assertThat(producer.offer(0, message(4))).as("the lane again").isTrue();

            assertThat(queue.poll(handler, 10)).as("the lane is polled while the ring is held off").isEqualTo(1);
            assertThat(received).containsExactlyInAnyOrder(1L, 2L, 4L);
        }
    }

    @Test
    void holdOffsOutOfRangeAreRefused() {
        try (SharedQueue queue = SharedQueue.create(names.next(), CAPACITY, QueueType.MPSC)) {
            assertThatThrownBy(() -> queue.setClaimHoldOff(Duration.ofNanos(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claim hold-off of PT-0.000000001S");
            assertThatThrownBy(() -> queue.setClaimHoldOff(Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 0 (off) to PT1S");
            queue.setClaimHoldOff(Duration.ofSeconds(1));
            assertThat(queue.claimHoldOff()).isEqualTo(Duration.ofSeconds(1));
        }
    }
}
