package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One process, the queue's contract piece by piece: empty polls, zero-length and too-large
 * messages, a full queue (offer refuses, send waits until the consumer polls or its timeout
 * passes), claims (commit, abort, misuse), role exclusivity and the counters.
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class QueueBasicsTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(QueueBasicsTest.class);

    static final long CAPACITY = 4096;
    private static final MessageHandler IGNORE = (t, b, o, l) -> { };

    /** A message seen by a handler, copied. */
    record Received(int type, byte[] bytes) {
    }

    static List<Received> drain(SharedQueue queue, int limit) {
        List<Received> out = new ArrayList<>();
        queue.poll((t, b, o, l) -> out.add(new Received(t, b.asSlice(o, l).toArray(ValueLayout.JAVA_BYTE))), limit);
        return out;
    }

    static MemorySegment bytes(int length, int fill) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) fill);
        return MemorySegment.ofArray(b);
    }

    /** A producer handle and a consumer handle of a fresh queue; a broadcast consumer has joined. */
    record Pair(SharedQueue producer, SharedQueue consumer) implements AutoCloseable {
        static Pair of(QueueType type, long capacity) {
            return of(QueueKind.valueOf(type.name()), capacity);
        }

        static Pair of(QueueKind kind, long capacity) {
            SharedQueue producer = kind.create(names.next(), capacity);
            SharedQueue consumer = SharedQueue.open(producer.name());
            assertThat(consumer.poll(IGNORE, 1)).isZero(); // takes the role, or joins
            return new Pair(producer, consumer);
        }

        @Override
        public void close() {
            consumer.close();
            producer.close();
        }
    }

    // ------------------------------------------------------------------ empty, zero, too large

    @ParameterizedTest
    @EnumSource(QueueKind.class)
    @Timeout(10)
    void anEmptyQueuePollsZeroAndNull(QueueKind kind) {
        try (Pair q = Pair.of(kind, CAPACITY)) {
            assertThat(q.consumer().poll(IGNORE, 100)).isZero();
            assertThat(q.consumer().poll()).isNull();
            assertThat(q.consumer().receive(IGNORE, 1, WaitStrategy.BUSY_SPIN, Duration.ZERO)).isZero();
            assertThat(q.producer().counters().recordsIn()).isZero();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(QueueKind.class)
    @Timeout(10)
    void zeroLengthMessagesAreDeliveredAsEmptyNotAsNothing(QueueKind kind) {
        try (Pair q = Pair.of(kind, CAPACITY)) {
            assertThat(q.producer().offer(7, MemorySegment.ofArray(new byte[0]))).isTrue();
            MessageClaim claim = new MessageClaim();
            assertThat(q.producer().tryClaim(8, 0, claim)).isTrue();
            assertThat(claim.length()).isZero();
            assertThat(claim.segment().byteSize()).isZero();
            claim.commit();
            assertThat(q.producer().offer(new byte[0])).isTrue();

            List<Received> got = drain(q.consumer(), 2);
            assertThat(got).extracting(Received::type).containsExactly(7, 8);
            assertThat(got).allSatisfy(r -> assertThat(r.bytes()).isEmpty());
            assertThat(q.consumer().poll()).isNotNull().isEmpty();
            assertThat(q.consumer().poll()).isNull();
            assertThat(q.producer().counters().recordsIn()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(QueueKind.class)
    @Timeout(10)
    void aMessageLargerThanTheLargestIsRefusedClearly(QueueKind kind) throws Exception {
        try (Pair q = Pair.of(kind, CAPACITY)) {
            SharedQueue producer = q.producer();
            int max = producer.maxMessageLength();
            assertThat(max).isEqualTo(CAPACITY / 4);
            MemorySegment tooLarge = bytes(max + 1, 1);
            String expected = "message of " + (max + 1) + " bytes does not fit queue '" + producer.name()
                    + "': the largest is " + max + " bytes";
            assertThatThrownBy(() -> producer.offer(1, tooLarge))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
            assertThatThrownBy(() -> producer.send(1, tooLarge, WaitStrategy.PARK, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
            MessageClaim claim = new MessageClaim();
            assertThatThrownBy(() -> producer.tryClaim(1, max + 1, claim))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
            assertThatThrownBy(() -> producer.tryClaim(1, -1, claim))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message of -1 bytes");
            assertThatThrownBy(() -> producer.offer(-2, bytes(1, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type must be 0 or more, got -2");
            assertThat(claim.isActive()).isFalse();
            assertThat(producer.counters().bytesIn()).as("nothing was reserved").isZero();

            assertThat(producer.offer(1, bytes(max, 9))).as("the largest fits").isTrue();
            List<Received> got = drain(q.consumer(), 10);
            assertThat(got).hasSize(1);
            assertThat(got.getFirst().bytes()).hasSize(max).containsOnly(9);
        }
    }

    @Test
    @Timeout(10)
    void capacitiesAndStuckTimeoutsOutOfRangeAreRefused() {
        assertThat(SharedQueue.MIN_CAPACITY).isEqualTo(1024);
        assertThat(SharedQueue.MAX_CAPACITY).isEqualTo(1L << 30);
        for (long capacity : new long[] {0, 512, 1000, 3 * 1024, SharedQueue.MIN_CAPACITY / 2, SharedQueue.MAX_CAPACITY + 1,
                SharedQueue.MAX_CAPACITY * 2}) {
            assertThatThrownBy(() -> SharedQueue.create(names.next(), capacity, QueueType.SPSC))
                    .as("capacity %d", capacity)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("power of two").hasMessageContaining(Long.toString(capacity));
        }
        try (SharedQueue queue = SharedQueue.create(names.next(), 1024, QueueType.SPSC)) {
            assertThat(queue.maxMessageLength()).isEqualTo(256);
            assertThatThrownBy(() -> queue.setStuckTimeout(Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative stuck timeout");
        }
        assertThat(names.leftovers()).isEmpty();
    }

    // ------------------------------------------------------------------ full queue

    @ParameterizedTest
    @EnumSource(value = QueueKind.class, names = {"SPSC", "MPSC", "MPSC_LANES"})
    @Timeout(10)
    void aFullQueueRefusesOffersUntilTheConsumerPolls(QueueKind kind) {
        try (Pair q = Pair.of(kind, CAPACITY)) {
            int filled = fill(q.producer(), 100);
            assertThat(filled).isEqualTo((int) (CAPACITY / 112)); // 8 + 100 bytes, aligned to 112
            QueueCounters c = q.producer().counters();
            assertThat(c.depth()).isEqualTo(filled * 112L).isLessThanOrEqualTo(CAPACITY);
            assertThat(q.producer().offer(0, bytes(100, 0))).isFalse();
            assertThat(q.producer().tryClaim(0, 100, new MessageClaim())).isFalse();
            if (!kind.spscRing()) {
                assertThat(fill(q.producer(), 8)).as("room for 16-byte records in the last 64 bytes").isEqualTo(4);
                assertThat(q.producer().counters().depth()).isEqualTo(CAPACITY);
                assertThat(q.producer().offer(0, bytes(0, 0))).isFalse();

                assertThat(q.consumer().poll(IGNORE, 1)).isEqualTo(1);
                assertThat(q.producer().offer(0, bytes(100, 0))).as("the room of the consumed one").isTrue();
                assertThat(q.producer().offer(0, bytes(0, 0))).isFalse();
                assertThat(drain(q.consumer(), 1000)).hasSize(filled + 4);
            } else {
                // SPSC: the header after the newest record stays free (the producer zeroes it)
                assertThat(fill(q.producer(), 8)).as("16-byte records in the last 64 bytes, less 8").isEqualTo(3);
                assertThat(q.producer().offer(0, bytes(0, 0))).as("an empty message in the last 16").isTrue();
                assertThat(q.producer().offer(0, bytes(0, 0))).as("nothing in the last 8").isFalse();
                assertThat(q.producer().counters().depth()).isEqualTo(CAPACITY - 8);

                assertThat(q.consumer().poll(IGNORE, 1)).isEqualTo(1);
                assertThat(q.producer().offer(0, bytes(100, 0)))
                        .as("112 bytes free and 8 to the end: short of padding, record and next header").isFalse();
                assertThat(q.consumer().poll(IGNORE, 1)).isEqualTo(1);
                assertThat(q.producer().offer(0, bytes(100, 0))).as("the room of the two consumed").isTrue();
                assertThat(drain(q.consumer(), 1000)).hasSize(filled + 4 + 1 - 2);
            }
            assertThat(q.producer().counters().depth()).isZero();
        }
    }

    @Test
    @Timeout(10)
    void aBroadcastProducerNeverFindsTheQueueFull() {
        try (Pair q = Pair.of(QueueType.BROADCAST, CAPACITY)) {
            for (int i = 0; i < 1000; i++) {
                assertThat(q.producer().offer(i, bytes(100, i))).isTrue();
            }
            QueueCounters c = q.producer().counters();
            assertThat(c.recordsIn()).isEqualTo(1000);
            assertThat(c.depth()).isEqualTo(CAPACITY);
            List<Received> got = drain(q.consumer(), 2000);
            assertThat(q.consumer().lapped()).isEqualTo(1);
            assertThat(got.size() + q.consumer().lost()).isEqualTo(1000);
            assertThat(got.getLast().type()).isEqualTo(999);
        }
    }

    /**
     * Aborted claims move a broadcast ring on without a new latest message: once they have
     * overwritten the latest message too, a lapped consumer must count it lost and wait at the
     * tail, not jump back to it again and again (which never returned).
     */
    @Test
    @Timeout(10)
    void aBroadcastConsumerLappedByAbortedClaimsCountsTheOverwrittenMessageLostAndReturns() throws Exception {
        try (Pair q = Pair.of(QueueType.BROADCAST, CAPACITY)) {
            assertThat(q.producer().offer(1, bytes(100, 1))).isTrue();
            MessageClaim claim = new MessageClaim();
            for (int i = 0; i < 50; i++) { // 50 * 112 bytes: more than the ring
                assertThat(q.producer().tryClaim(2, 100, claim)).isTrue();
                claim.segment().fill((byte) 2);
                claim.abort();
            }
            CompletableFuture<List<Received>> polled = CompletableFuture.supplyAsync(() -> drain(q.consumer(), 10));
            List<Received> got;
            try {
                got = polled.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                q.consumer().close(); // ends the spinning poll
                throw new AssertionError("poll of a lapped broadcast consumer did not return");
            }
            assertThat(got).isEmpty();
            assertThat(q.consumer().lapped()).isEqualTo(1);
            assertThat(q.consumer().lost()).isEqualTo(1);

            assertThat(q.producer().offer(3, bytes(5, 3))).isTrue();
            assertThat(drain(q.consumer(), 10)).extracting(Received::type).containsExactly(3);
            assertThat(q.consumer().lost()).isEqualTo(1);
            QueueCounters c = q.producer().counters();
            assertThat(c.recordsIn()).isEqualTo(2);
            assertThat(c.lapped()).isEqualTo(1);
            assertThat(c.lost()).isEqualTo(1);
        }
    }

    static int fill(SharedQueue producer, int length) {
        int n = 0;
        while (producer.offer(n, bytes(length, n))) {
            n++;
        }
        return n;
    }

    @Test
    @Timeout(20)
    void aBlockingSendWaitsWhileFullAndSucceedsOnceTheConsumerPolls() throws Exception {
        for (WaitStrategy wait : WaitStrategy.values()) {
            try (Pair q = Pair.of(QueueType.SPSC, CAPACITY); SharedMemory raw = SharedMemory.open(q.producer().name())) {
                int filled = fill(q.producer(), 100);
                CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> {
                    try {
                        return q.producer().send(4242, bytes(100, 1), wait, null);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (wait == WaitStrategy.PARK) {
                    MemorySegment region = raw.segment();
                    Waits.awaitCondition("the sender sleeps", Duration.ofSeconds(5),
                            () -> QueueTesting.intField(region, QueueLayout.PRODUCERS_WAITING) > 0, () -> "");
                } else {
                    assertThatThrownBy(() -> sent.get(100, TimeUnit.MILLISECONDS))
                            .as("%s: send returned while the queue was full", wait)
                            .isInstanceOf(java.util.concurrent.TimeoutException.class);
                }
                assertThat(sent).as("%s", wait).isNotDone();
                // two: the first's room is short of padding to the ring's end, record and next header
                assertThat(q.consumer().poll(IGNORE, 2)).isEqualTo(2);
                assertThat(sent.get(5, TimeUnit.SECONDS)).as("%s", wait).isTrue();
                List<Received> got = drain(q.consumer(), 1000);
                assertThat(got).hasSize(filled - 1);
                assertThat(got.getLast().type()).isEqualTo(4242);
            }
        }
    }

    @Test
    @Timeout(20)
    void aSendWithATimeoutReturnsFalseOnTime() throws Exception {
        for (WaitStrategy wait : WaitStrategy.values()) {
            try (Pair q = Pair.of(QueueType.MPSC, CAPACITY)) {
                fill(q.producer(), 100);
                long start = System.nanoTime();
                assertThat(q.producer().send(1, bytes(100, 1), wait, Duration.ofMillis(200))).as("%s", wait).isFalse();
                long millis = Waits.millisSince(start);
                assertThat(millis).as("%s: waited", wait).isBetween(200L, 1500L);

                start = System.nanoTime();
                assertThat(q.producer().send(1, bytes(100, 1), wait, Duration.ZERO)).isFalse();
                assertThat(q.producer().send(1, bytes(100, 1), wait, Duration.ofMillis(-5))).isFalse();
                assertThat(Waits.millisSince(start)).as("%s: a zero timeout does not wait", wait)
                        .isLessThan(500L);
                assertThat(q.producer().counters().recordsIn()).isEqualTo(CAPACITY / 112);
            }
        }
    }

    @Test
    @Timeout(10)
    void aReceiveWithATimeoutReturnsZeroOnTimeAndAWaiterCanBeInterrupted() throws Exception {
        try (Pair q = Pair.of(QueueType.SPSC, CAPACITY); SharedMemory raw = SharedMemory.open(q.producer().name())) {
            MemorySegment region = raw.segment();
            long start = System.nanoTime();
            assertThat(q.consumer().receive(IGNORE, 1, WaitStrategy.PARK, Duration.ofMillis(150))).isZero();
            assertThat(Waits.millisSince(start)).isBetween(150L, 1500L);

            Thread waiter = Thread.currentThread();
            CompletableFuture<Void> interrupter = CompletableFuture.runAsync(() -> {
                try {
                    Waits.awaitCondition("the receiver sleeps", Duration.ofSeconds(5),
                            () -> QueueTesting.intField(region, QueueLayout.CONSUMERS_WAITING) > 0, () -> "");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                waiter.interrupt();
            });
            assertThatThrownBy(() -> q.consumer().receive(IGNORE, 1, WaitStrategy.PARK, null))
                    .isInstanceOf(InterruptedException.class);
            interrupter.get(5, TimeUnit.SECONDS);
            assertThat(QueueTesting.intField(region, QueueLayout.CONSUMERS_WAITING)).isZero();
        }
    }

    // ------------------------------------------------------------------ claims

    @ParameterizedTest
    @EnumSource(QueueKind.class)
    @Timeout(10)
    void committedClaimsAreDeliveredAndAbortedOnesAreNeitherDeliveredNorCounted(QueueKind kind) {
        try (Pair q = Pair.of(kind, CAPACITY)) {
            SharedQueue producer = q.producer();
            MessageClaim claim = new MessageClaim();
            assertThat(claim.isActive()).isFalse();

            assertThat(producer.tryClaim(1, 16, claim)).isTrue();
            assertThat(claim.isActive()).isTrue();
            assertThat(claim.offset() % 8).isZero();
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), 0x1111L);
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset() + 8, 0x2222L);
            claim.commit();
            assertThat(claim.isActive()).isFalse();

            assertThat(producer.tryClaim(2, 40, claim)).isTrue();
            claim.segment().fill((byte) 0x77);
            claim.abort();
            assertThat(claim.isActive()).isFalse();

            assertThat(producer.tryClaim(3, 5, claim)).isTrue();
            claim.segment().fill((byte) 3);
            claim.commit();
            assertThat(producer.tryClaim(4, 0, claim)).isTrue();
            claim.abort();

            QueueCounters c = producer.counters();
            assertThat(c.recordsIn()).as("aborted claims are not counted").isEqualTo(2);
            assertThat(c.bytesIn()).as("but their bytes were claimed").isEqualTo(24 + 48 + 16 + 8);
            assertThat(c.paddingIn()).as("and count as padding (SPSC)").isEqualTo(kind.spscRing() ? 48 + 8 : 0);

            List<Received> got = drain(q.consumer(), 10);
            assertThat(got).extracting(Received::type).containsExactly(1, 3);
            MemorySegment first = MemorySegment.ofArray(got.getFirst().bytes());
            assertThat(first.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(0x1111L);
            assertThat(first.get(ValueLayout.JAVA_LONG_UNALIGNED, 8)).isEqualTo(0x2222L);
            assertThat(got.get(1).bytes()).containsExactly(3, 3, 3, 3, 3);
            if (kind != QueueKind.BROADCAST) {
                c = producer.counters();
                assertThat(c.recordsOut()).isEqualTo(2);
                assertThat(c.bytesOut()).isEqualTo(c.bytesIn());
                assertThat(c.paddingOut()).isEqualTo(c.paddingIn());
                assertThat(c.depth()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(QueueKind.class)
    @Timeout(10)
    void misusingAClaimThrowsIllegalStateException(QueueKind kind) {
        try (Pair q = Pair.of(kind, CAPACITY)) {
            SharedQueue producer = q.producer();
            MessageClaim claim = new MessageClaim();
            assertThatThrownBy(claim::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("no active claim");
            assertThatThrownBy(claim::abort).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(claim::buffer).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(claim::offset).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(claim::length).isInstanceOf(IllegalStateException.class);

            assertThat(producer.tryClaim(1, 8, claim)).isTrue();
            assertThatThrownBy(() -> producer.tryClaim(2, 8, claim))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("the claim is still active");
            assertThat(claim.isActive()).as("the first claim survives the refusal").isTrue();
            claim.segment().fill((byte) 1);
            claim.commit();
            assertThatThrownBy(claim::commit).as("double commit")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no active claim");
            assertThatThrownBy(claim::abort).as("abort after commit").isInstanceOf(IllegalStateException.class);

            assertThat(producer.tryClaim(3, 8, claim)).isTrue();
            claim.abort();
            assertThatThrownBy(claim::abort).as("double abort").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(claim::commit).as("commit after abort").isInstanceOf(IllegalStateException.class);

            assertThat(drain(q.consumer(), 10)).extracting(Received::type).containsExactly(1);
            assertThat(producer.counters().recordsIn()).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ roles

    @Test
    @Timeout(10)
    void anSpscQueueHasOneProducerAndOneConsumerHandleAtATime() {
        String name = names.next();
        try (SharedQueue first = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             SharedQueue second = SharedQueue.open(name);
             SharedQueue third = SharedQueue.open(name)) {
            assertThat(first.offer(1, bytes(8, 1))).isTrue();
            assertThatThrownBy(() -> second.offer(2, bytes(8, 2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already has a producer")
                    .hasMessageContaining("process " + ProcessHandle.current().pid())
                    .hasMessageContaining("another handle in this process");
            assertThatThrownBy(() -> second.tryClaim(2, 8, new MessageClaim())).isInstanceOf(IllegalStateException.class);

            assertThat(second.poll(IGNORE, 10)).as("the second handle may consume").isEqualTo(1);
            assertThatThrownBy(() -> third.poll(IGNORE, 10))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a consumer");
            assertThatThrownBy(() -> first.poll()).as("nor may the producer handle consume")
                    .isInstanceOf(IllegalStateException.class);
            QueueCounters c = first.counters();
            assertThat(c.producerPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(c.consumerPid()).isEqualTo(ProcessHandle.current().pid());

            first.close();
            assertThat(third.counters().producerPid()).as("closing gives up the role").isZero();
            assertThat(third.offer(3, bytes(8, 3))).as("the next handle may take the role").isTrue();
            second.close();
            assertThat(third.counters().consumerPid()).isZero();
            List<Received> got = drain(third, 10);
            assertThat(got).extracting(Received::type).containsExactly(3);
            first.close(); // idempotent
        }
    }

    @Test
    @Timeout(10)
    void mpscTakesAnyNumberOfProducersButOneConsumer() {
        String name = names.next();
        try (SharedQueue a = SharedQueue.create(name, CAPACITY, QueueType.MPSC);
             SharedQueue b = SharedQueue.open(name);
             SharedQueue c = SharedQueue.open(name)) {
            assertThat(a.offer(1, bytes(8, 1))).isTrue();
            assertThat(b.offer(2, bytes(8, 2))).isTrue();
            assertThat(c.offer(3, bytes(8, 3))).isTrue();
            assertThat(a.counters().producerPid()).as("MPSC registers no producer").isZero();
            assertThat(drain(a, 1)).extracting(Received::type).containsExactly(1);
            assertThatThrownBy(() -> b.poll(IGNORE, 10))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a consumer");
            a.close();
            assertThat(drain(b, 10)).extracting(Received::type).containsExactly(2, 3);
        }
    }

    @Test
    @Timeout(10)
    void broadcastTakesOneProducerAndAnyNumberOfConsumers() {
        String name = names.next();
        try (SharedQueue a = SharedQueue.create(name, CAPACITY, QueueType.BROADCAST);
             SharedQueue b = SharedQueue.open(name);
             SharedQueue c = SharedQueue.open(name)) {
            assertThat(b.poll(IGNORE, 1)).isZero();
            assertThat(c.poll(IGNORE, 1)).isZero();
            assertThat(a.offer(1, bytes(8, 1))).isTrue();
            assertThatThrownBy(() -> b.offer(2, bytes(8, 2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a producer");
            assertThat(drain(b, 10)).extracting(Received::type).containsExactly(1);
            assertThat(drain(c, 10)).extracting(Received::type).containsExactly(1);
            a.close();
            assertThat(b.offer(2, bytes(8, 2))).isTrue();
            assertThat(drain(c, 10)).extracting(Received::type).containsExactly(2);
            assertThat(drain(b, 10)).extracting(Received::type).containsExactly(2);
        }
    }

    @Test
    @Timeout(10)
    void aClosedQueueRefusesUse() {
        SharedQueue queue = SharedQueue.create(names.next(), CAPACITY, QueueType.SPSC);
        queue.close();
        assertThatThrownBy(() -> queue.offer(1, bytes(8, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue '" + queue.name() + "' is closed");
        assertThatThrownBy(() -> queue.poll()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThatThrownBy(queue::counters).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    // ------------------------------------------------------------------ counters

    @Test
    @Timeout(10)
    void countersFollowEveryStep() {
        try (Pair q = Pair.of(QueueType.SPSC, CAPACITY)) {
            long pid = ProcessHandle.current().pid();
            QueueCounters c = q.producer().counters();
            assertThat(c).isEqualTo(new QueueCounters(QueueType.SPSC, CAPACITY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, pid));
            int[] sizes = {0, 1, 7, 8, 9, 100, 1000};
            long bytes = 0;
            for (int i = 0; i < sizes.length; i++) {
                assertThat(q.producer().offer(i, bytes(sizes[i], i))).isTrue();
                bytes += RecordLayout.aligned(8 + sizes[i]);
                c = q.producer().counters();
                assertThat(c.recordsIn()).isEqualTo(i + 1);
                assertThat(c.bytesIn()).isEqualTo(bytes);
                assertThat(c.depth()).isEqualTo(bytes);
                assertThat(c.producerPid()).isEqualTo(pid);
            }
            assertThat(bytes).isEqualTo(8 + 16 + 16 + 16 + 24 + 112 + 1008);
            long out = 0;
            for (int i = 0; i < sizes.length; i++) {
                assertThat(q.consumer().poll(IGNORE, 1)).isEqualTo(1);
                out += RecordLayout.aligned(8 + sizes[i]);
                c = q.consumer().counters();
                assertThat(c.recordsOut()).isEqualTo(i + 1);
                assertThat(c.bytesOut()).isEqualTo(out);
                assertThat(c.depth()).isEqualTo(c.bytesIn() - c.bytesOut()).isEqualTo(bytes - out);
                assertThat(c.recordsIn()).isEqualTo(sizes.length);
            }
            // wrap: padding counts in the bytes, not in the records
            assertThat(q.producer().offer(9, bytes(1000, 9))).isTrue();
            assertThat(q.producer().offer(10, bytes(1000, 10))).isTrue();
            assertThat(q.producer().offer(11, bytes(1000, 10))).isTrue(); // 1200 + 3 * 1008 > 4096: wraps
            c = q.producer().counters();
            assertThat(c.recordsIn()).isEqualTo(sizes.length + 3);
            assertThat(c.bytesIn()).isEqualTo(CAPACITY + 1008);
            assertThat(c.paddingIn()).as("to the ring's end").isEqualTo(CAPACITY - 1200 - 2 * 1008);
            assertThat(c.depth()).as("padding not included").isEqualTo(3 * 1008);
            assertThat(drain(q.consumer(), 10)).extracting(Received::type).containsExactly(9, 10, 11);
            c = q.consumer().counters();
            assertThat(c.recordsOut()).isEqualTo(c.recordsIn());
            assertThat(c.bytesOut()).isEqualTo(c.bytesIn());
            assertThat(c.paddingOut()).isEqualTo(c.paddingIn());
            assertThat(c.depth()).isZero();
            assertThat(c.skipped()).isZero();
            assertThat(c.lapped()).isZero();
            assertThat(c.lost()).isZero();
        }
    }

}
