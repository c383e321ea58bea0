package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Processes killed with {@code kill -9} at the worst moments.
 * <ul>
 *   <li>A producer dies holding a claim: the consumer waits for it while it lives (slow is not
 *       dead), then, within a bounded time of its death, skips the claimed record (counted in
 *       {@code skipped()}) and delivers everything committed after it, by another producer
 *       process (MPSC) or by the process that took over the dead producer's role (SPSC).</li>
 *   <li>Consumers die at random moments while consuming, three times in a row, and a new
 *       consumer process takes over each time: the union of what they handled is the whole
 *       stream, and the only duplicate a kill may cause is the one message whose handler was
 *       running (it is the last one the dead consumer logged and the first one its successor
 *       logs), as {@link SharedQueue} documents.</li>
 *   <li>A consumer dies while parked in {@code receive}: its successor gets every later message,
 *       none twice.</li>
 *   <li>Roles across processes: a live holder in another process keeps its role; a closed or
 *       killed one gives it up.</li>
 * </ul>
 * Consumer processes log each message's seq into a region from inside the handler, so the log
 * says exactly which handlers ran, whenever the kill came.
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class QueueCrashTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(QueueCrashTest.class);

    static final long CAPACITY = 64 * 1024;
    static final int MAX = (int) (CAPACITY / 8);
    static final Duration STUCK = Duration.ofMillis(200);

    // ------------------------------------------------------------------ dead producers

    /**
     * The crash test. With lanes (decision 63) the claimer holds up only its own lane:
     * the other producer's messages arrive while it lives; without, they wait behind its claim.
     * Either way the claim is skipped once, within the stuck timeout of the kill.
     */
    @ParameterizedTest
    @EnumSource(value = QueueKind.class, names = {"MPSC_LANES", "MPSC"})
    @Timeout(60)
    void anMpscProducerKilledMidClaimIsSkippedAndOtherProducersMessagesArrive(QueueKind kind) throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("QueueCrashTest.mpscDeadClaim");
        int messages = 2_000;
        try (SharedQueue consumer = kind.create(name, CAPACITY);
             SharedMemory raw = SharedMemory.open(name);
             QueueTesting.Group children = new QueueTesting.Group()) {
            consumer.setStuckTimeout(STUCK);
            ChildJvm claimer = children.launch("claim-hold", name, "1000");
            String claimed = Waits.lineStartingWith(claimer, "CLAIMED", Waits.STARTUP);
            assertThat(claimed).isEqualTo("CLAIMED " + RecordLayout.HEADER); // the first record
            ChildJvm producer = children.launch("produce", name, "1", Integer.toString(messages), Long.toString(seed),
                    "1", Integer.toString(MAX), WaitStrategy.PARK.name());
            producer.await("READY", Waits.STARTUP);
            producer.send("GO");

            StreamCheck check = new StreamCheck(2, seed, 1, MAX);
            if (kind == QueueKind.MPSC_LANES) {
                assertThat(consumer.lanes()).isPositive();
                receiveAll(consumer, check, messages, children);
                assertThat(consumer.counters().skipped()).as("a live claimer is slow, not dead").isZero();
                long killed = killAndTime(claimer);
                while (consumer.counters().skipped() == 0) {
                    assertThat(consumer.receive(check, 100, WaitStrategy.PARK, Duration.ofMillis(20))).isZero();
                    assertThat(System.nanoTime() / 1_000_000 - killed).as("ms from the kill to the skip").isLessThan(5000);
                }
            } else {
                assertHeldUpWhileTheClaimerLives(consumer, check, raw.segment());
                long killed = killAndTime(claimer);
                long firstMillis = receiveAll(consumer, check, messages, children);
                System.out.printf("[crash mpsc claim] first message %d ms after the kill%n", firstMillis - killed);
                assertThat(firstMillis - killed).as("ms from the kill to the first message").isLessThan(5000);
            }
            assertThat(check.received(1)).isEqualTo(messages);
            assertThat(check.received(0)).isZero();
            Waits.awaitSuccess(producer, Duration.ofSeconds(20));
            QueueCounters c = consumer.counters();
            assertThat(c.skipped()).as("the dead claim, skipped once").isEqualTo(1);
            assertThat(c.recordsIn()).isEqualTo(messages);
            assertThat(c.recordsOut()).isEqualTo(messages);
            assertThat(c.depth()).isZero();
        }
    }

    @Test
    @Timeout(60)
    void anSpscProducerKilledMidClaimIsSkippedAndItsSuccessorsMessagesArrive() throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("QueueCrashTest.spscDeadClaim");
        int messages = 2_000;
        try (SharedQueue consumer = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             SharedQueue intruder = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name);
             QueueTesting.Group children = new QueueTesting.Group()) {
            consumer.setStuckTimeout(STUCK);
            ChildJvm claimer = children.launch("claim-hold", name, "3000");
            Waits.lineStartingWith(claimer, "CLAIMED", Waits.STARTUP);
            assertThatThrownBy(() -> intruder.offer(1, MemorySegment.ofArray(new byte[8])))
                    .as("the claimer holds the producer role")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already has a producer: process " + claimer.pid() + "; ");
            StreamCheck check = new StreamCheck(2, seed, 1, MAX);
            assertHeldUpWhileTheClaimerLives(consumer, check, raw.segment());

            killAndTime(claimer);
            ChildJvm producer = children.launch("produce", name, "1", Integer.toString(messages), Long.toString(seed),
                    "1", Integer.toString(MAX), WaitStrategy.SPIN_THEN_YIELD.name());
            producer.await("READY", Waits.STARTUP);
            producer.send("GO");
            receiveAll(consumer, check, messages, children);
            assertThat(check.received(1)).isEqualTo(messages);
            Waits.awaitSuccess(producer, Duration.ofSeconds(20));
            QueueCounters c = consumer.counters();
            assertThat(c.skipped()).isEqualTo(1);
            assertThat(c.recordsIn()).isEqualTo(messages);
            assertThat(c.recordsOut()).isEqualTo(messages);
            assertThat(c.producerPid()).as("the successor took the role, and gave it up on close").isZero();
        }
    }

    /**
     * Polls while the claim holds up the queue: nothing may be delivered or skipped while the
     * claimer lives, however long past the stuck timeout.
     */
    private static void assertHeldUpWhileTheClaimerLives(SharedQueue consumer, StreamCheck check, MemorySegment region)
            throws InterruptedException {
        long start = System.nanoTime();
        long held = 3 * STUCK.toMillis();
        while (Waits.millisSince(start) < held) {
            assertThat(consumer.receive(check, 100, WaitStrategy.PARK, Duration.ofMillis(20))).isZero();
        }
        assertThat(consumer.counters().skipped()).as("a live claimer is slow, not dead").isZero();
        assertThat(QueueTesting.longField(region, QueueLayout.HEAD)).isZero();
    }

    private static long killAndTime(ChildJvm child) throws InterruptedException {
        child.kill9();
        assertThat(child.process().isAlive()).isFalse();
        return System.nanoTime() / 1_000_000;
    }

    /** Receives until {@code messages} have arrived. {@return when the first arrived, in ms of nanoTime} */
    private static long receiveAll(SharedQueue consumer, StreamCheck check, int messages, QueueTesting.Group children)
            throws InterruptedException {
        long first = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (check.total < messages) {
            if (consumer.receive(check, 256, WaitStrategy.PARK, Duration.ofMillis(200)) == 0) {
                children.checkNoneFailed();
                assertThat(System.nanoTime() - deadline).as("%s; %s", check, consumer.counters()).isNegative();
            } else if (first == 0) {
                first = System.nanoTime() / 1_000_000;
            }
        }
        return first;
    }

    // ------------------------------------------------------------------ dead consumers

    @ParameterizedTest
    @EnumSource(value = QueueKind.class, names = {"SPSC", "MPSC", "MPSC_LANES"}) // places kept differently
    @Timeout(60)
    void consumersKilledAtRandomMomentsLoseNothingAndRedeliverAtMostTheMessageInFlight(QueueKind kind)
            throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("QueueCrashTest.consumerKilledWhileConsuming");
        Random random = new Random(seed);
        int kills = Integer.getInteger("jshm.crash.kills", 3); // more for a stress run
        int messages = Math.max(30_000, 6_000 * kills);
        List<SharedMemory> logs = new ArrayList<>();
        try (SharedQueue queue = kind.create(name, CAPACITY);
             QueueTesting.Group children = new QueueTesting.Group()) {
            ChildJvm producer = children.launch("produce", name, "0", Integer.toString(messages), Long.toString(seed),
                    "1", Integer.toString(MAX), WaitStrategy.PARK.name());
            producer.await("READY", Waits.STARTUP);
            producer.send("GO");
            for (int i = 0; i <= kills; i++) {
                SharedMemory log = SharedMemory.create(names.next(), QueueChild.LOG_ENTRIES + 8L * messages);
                logs.add(log);
                ChildJvm consumer = children.launch("consume-log", name, log.name(), Long.toString(seed), "1",
                        Integer.toString(MAX), Integer.toString(messages - 1), Long.toString(STUCK.toMillis()));
                MemorySegment entries = log.segment();
                if (i < kills) {
                    int target = 500 + random.nextInt(4000);
                    Waits.awaitCondition("consumer " + i + " has handled " + target + " messages",
                            Duration.ofSeconds(30),
                            () -> QueueTesting.longField(entries, QueueChild.LOG_COUNT) >= target
                                    || !consumer.process().isAlive(),
                            consumer::diagnostics);
                    assertThat(consumer.process().isAlive()).as("consumer %d; %s", i, consumer.diagnostics()).isTrue();
                    consumer.kill9();
                } else {
                    Waits.lineStartingWith(consumer, "DONE", Duration.ofSeconds(30));
                    Waits.awaitSuccess(consumer, Duration.ofSeconds(20));
                }
            }
            Waits.awaitSuccess(producer, Duration.ofSeconds(20));

            int duplicates = 0;
            long expected = 0;
            StringBuilder story = new StringBuilder();
            for (int i = 0; i < logs.size(); i++) {
                MemorySegment entries = logs.get(i).segment();
                long count = QueueTesting.longField(entries, QueueChild.LOG_COUNT);
                long first = entries.get(ValueLayout.JAVA_LONG, QueueChild.LOG_ENTRIES);
                long last = entries.get(ValueLayout.JAVA_LONG, QueueChild.LOG_ENTRIES + 8 * (count - 1));
                story.append(String.format("consumer %d handled %d: %d..%d; ", i, count, first, last));
                assertThat(count).as("consumer %d handled something", i).isPositive();
                if (first == expected - 1) {
                    duplicates++; // the message whose handler ran when its predecessor died
                } else {
                    assertThat(first).as("consumer %d starts where its predecessor stopped; %s", i, story)
                            .isEqualTo(expected);
                }
                for (long j = 0; j < count; j++) {
                    long seq = entries.get(ValueLayout.JAVA_LONG, QueueChild.LOG_ENTRIES + 8 * j);
                    if (seq != first + j) {
                        throw new AssertionError("consumer " + i + " handled seq " + seq + " as its " + j
                                + "th message, expected " + (first + j) + "; " + story);
                    }
                }
                expected = last + 1;
            }
            System.out.printf("[crash consumers, %s] seed %d: %s%d redelivered%n", kind, seed, story, duplicates);
            assertThat(expected).as("the last consumer got to the end; %s", story).isEqualTo(messages);
            assertThat(duplicates).isLessThanOrEqualTo(kills);
            QueueCounters c = queue.counters();
            if (kind.spscRing()) {
                assertThat(c.recordsIn()).isEqualTo(messages); // the producer's own count (SPSC, or its lane's)
            } else {
                // MPSC producers keep no count: records in is records out plus what is pending
                // (decision 55), so it carries records out's double counts
                assertThat(c.recordsIn()).isEqualTo(c.recordsOut());
            }
            assertThat(c.recordsOut()).as("each handled message counted once, a redelivered one at most twice")
                    .isBetween((long) messages, (long) messages + duplicates);
            assertThat(c.skipped()).isZero();
            assertThat(c.depth()).isZero();
        } finally {
            for (SharedMemory log : logs) {
                log.close();
            }
        }
    }

    /**
     * Polls that each end at their limit mark their last record by the head alone, so consumed-to
     * falls behind the head by more than a ring; a successor takes the head then, and neither
     * delivers anything twice nor takes the lag for damage.
     */
    @Test
    @Timeout(30)
    void anSpscSuccessorTakesOverAfterPollsOfOneMessageEach() throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.SPSC)) {
            List<Integer> got = new ArrayList<>();
            MessageHandler note = (t, b, o, l) -> got.add(t);
            // three rings of 64-byte records: no padding either (the consumer marks what follows padding)
            int messages = (int) (3 * CAPACITY / 64);
            try (SharedQueue first = SharedQueue.open(name)) {
                for (int i = 0; i < messages; i++) {
                    assertThat(producer.offer(i, MemorySegment.ofArray(new byte[56]))).isTrue();
                    assertThat(first.poll(note, 1)).isEqualTo(1);
                }
            }
            assertThat(got).hasSize(messages);
            got.clear();
            assertThat(producer.offer(-1 >>> 1, MemorySegment.ofArray(new byte[40]))).isTrue();
            try (SharedQueue successor = SharedQueue.open(name)) {
                assertThat(successor.poll(note, 10)).isEqualTo(1);
                assertThat(got).containsExactly(-1 >>> 1);
                assertThat(successor.counters().recordsOut()).isEqualTo(messages + 1);
            }
        }
    }

    /**
     * An SPSC producer that died between a commit and the tail store that follows it, made by
     * hand (a kill lands there only now and then): its last record, and the padding before it
     * when it wrapped, lie past the tail. The successor steps over them instead of writing over a
     * committed message, and the consumer gets every message once, in order.
     */
    @ParameterizedTest(name = "wrapped: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    @Timeout(30)
    void anSpscSuccessorProducerStepsOverWhatItsPredecessorCommittedPastTheTail(boolean wrapped) throws Exception {
        String name = names.next();
        try (SharedQueue consumer = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             SharedMemory raw = SharedMemory.open(name)) {
            MemorySegment region = raw.segment();
            List<Integer> got = new ArrayList<>();
            MessageHandler note = (t, b, o, l) -> got.add(t);
            long tailAfterA;
            try (SharedQueue predecessor = SharedQueue.open(name)) {
                if (wrapped) { // 7 records of 9,008 bytes, consumed: 2,480 bytes left before the ring's end
                    for (int i = 0; i < 7; i++) {
                        assertThat(predecessor.offer(100 + i, MemorySegment.ofArray(new byte[9000]))).isTrue();
                    }
                    assertThat(consumer.poll(note, 10)).isEqualTo(7);
                }
                assertThat(predecessor.offer(1, MemorySegment.ofArray(new byte[40]))).isTrue(); // A: 48 bytes
                tailAfterA = QueueTesting.longField(region, QueueLayout.TAIL);
                // B: 3,008 bytes, after padding to the ring's end when wrapped
                assertThat(predecessor.offer(2, MemorySegment.ofArray(new byte[3000]))).isTrue();
                region.set(ValueLayout.JAVA_LONG, QueueLayout.TAIL, tailAfterA); // B's tail store never happened
                region.set(ValueLayout.JAVA_LONG, QueueLayout.PRODUCER_PID, (long) HostileQueueTest.NO_SUCH_PID << 32 | 1);
            }
            try (SharedQueue successor = SharedQueue.open(name)) {
                assertThat(successor.offer(3, MemorySegment.ofArray(new byte[40]))).isTrue();
            }
            got.clear();
            assertThat(consumer.poll(note, 10)).isEqualTo(3);
            assertThat(got).containsExactly(1, 2, 3);
            long tail = QueueTesting.longField(region, QueueLayout.TAIL);
            assertThat(tail).isEqualTo(tailAfterA + (wrapped ? 2432 : 0) + 3008 + 48);
            QueueCounters c = consumer.counters();
            assertThat(c.depth()).isZero();
            assertThat(c.skipped()).isZero();
        }
    }

    /**
     * A consumer that died mid-batch, made by hand: it handled the first record (consumed-to and
     * records out say so) but never moved the head. Its successor resumes after that record,
     * delivering only the second, and hands the room back at once; MPSC's zeroes what it skipped
     * too, so that producers find the free ring zero.
     */
    @ParameterizedTest
    @EnumSource(value = QueueType.class, names = {"SPSC", "MPSC"})
    @Timeout(30)
    void aSuccessorResumesAfterTheLastRecordItsPredecessorHandled(QueueType type) throws Exception {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, type);
             SharedQueue successor = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name)) {
            assertThat(producer.offer(1, MemorySegment.ofArray(new byte[100]))).isTrue(); // 112 bytes
            assertThat(producer.offer(2, MemorySegment.ofArray(new byte[] {2, 2}))).isTrue();
            MemorySegment region = raw.segment();
            region.set(ValueLayout.JAVA_LONG, QueueLayout.CONSUMED_TO, 112L);
            region.set(ValueLayout.JAVA_LONG, QueueLayout.RECORDS_OUT, 1L);

            List<Integer> got = new ArrayList<>();
            assertThat(successor.poll((t, b, o, l) -> got.add(t), 10)).isEqualTo(1);
            assertThat(got).containsExactly(2);
            QueueCounters c = successor.counters();
            assertThat(c.recordsOut()).isEqualTo(2);
            assertThat(c.depth()).isZero();
            assertThat(QueueTesting.longField(region, QueueLayout.HEAD)).isEqualTo(112 + 16);
            if (type == QueueType.MPSC) {
                assertThat(region.asSlice(QueueLayout.HEADER_SIZE, 128).toArray(ValueLayout.JAVA_BYTE))
                        .as("the ring the two records took, handed back").containsOnly(0);
            }
        }
    }

    /**
     * The states an MPSC consumer leaves when it dies while zeroing a record it has handled, made
     * by hand, one for each byte the zeroing may have reached (it runs from the record's start;
     * every byte, so that the test holds whatever the zeroing's granularity): consumed-to already
     * past the record, the head not yet moved. In every state the successor resumes after the
     * record at once, neither delivering nor counting nor skipping it, and never takes what is
     * left of it for a record header.
     */
    @Test
    @Timeout(30)
    void anMpscConsumerThatDiedWhileZeroingWhatItTookIsResumedAfterIt() throws Exception {
        int length = 100;
        int record = RecordLayout.aligned(RecordLayout.HEADER + length); // 112
        for (int zeroed = 0; zeroed <= record; zeroed++) {
            String name = names.next();
            try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.MPSC);
                 SharedQueue successor = SharedQueue.open(name);
                 SharedMemory raw = SharedMemory.open(name)) {
                MemorySegment a = MemorySegment.ofArray(new byte[length]).fill((byte) 0x5A);
                assertThat(producer.offer(1, a)).isTrue();
                assertThat(producer.offer(2, MemorySegment.ofArray(new byte[] {2, 2}))).isTrue();
                MemorySegment region = raw.segment();
                region.set(ValueLayout.JAVA_LONG, QueueLayout.RECORDS_OUT, 1L);
                region.set(ValueLayout.JAVA_LONG, QueueLayout.CONSUMED_TO, record);
                region.asSlice(QueueLayout.HEADER_SIZE, zeroed).fill((byte) 0);

                List<Integer> got = new ArrayList<>();
                assertThat(successor.poll((t, b, o, l) -> {
                    got.add(t);
                    assertThat(b.asSlice(o, l).toArray(ValueLayout.JAVA_BYTE)).containsExactly(2, 2);
                }, 10)).as("%d bytes zeroed", zeroed).isEqualTo(1);
                assertThat(got).as("%d bytes zeroed", zeroed).containsExactly(2);
                QueueCounters c = successor.counters();
                assertThat(c.recordsOut()).isEqualTo(2);
                assertThat(c.recordsIn()).isEqualTo(2);
                assertThat(c.skipped()).as("%d bytes zeroed", zeroed).isZero();
                assertThat(c.depth()).isZero();
                assertThat(region.asSlice(QueueLayout.HEADER_SIZE, record + 16).toArray(ValueLayout.JAVA_BYTE))
                        .as("%d bytes zeroed: the ring handed back", zeroed).containsOnly(0);
            }
        }
    }

    @Test
    @Timeout(60)
    void aConsumerKilledWhileParkedIsReplacedWithoutLossOrDuplicates() throws Exception {
        String name = names.next();
        long seed = QueueTesting.seed("QueueCrashTest.consumerKilledWhileIdle");
        int before = 500;
        int after = 500;
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.MPSC);
             SharedMemory raw = SharedMemory.open(name);
             SharedMemory log1 = SharedMemory.create(names.next(), QueueChild.LOG_ENTRIES + 8L * (before + after));
             SharedMemory log2 = SharedMemory.create(names.next(), QueueChild.LOG_ENTRIES + 8L * (before + after));
             QueueTesting.Group children = new QueueTesting.Group()) {
            String[] args = {name, null, Long.toString(seed), "1", "512", Integer.toString(before + after - 1),
                    Long.toString(STUCK.toMillis())};
            ChildJvm first = children.launch(consumeLog(args, log1.name()));
            first.await("READY", Waits.STARTUP);
            send(producer, seed, 0, before);
            MemorySegment region = raw.segment();
            Waits.awaitCondition("the first consumer has all and parks", Duration.ofSeconds(20),
                    () -> QueueTesting.longField(log1.segment(), QueueChild.LOG_COUNT) == before
                            && QueueTesting.intField(region, QueueLayout.CONSUMERS_WAITING) > 0,
                    first::diagnostics);
            first.kill9();

            ChildJvm second = children.launch(consumeLog(args, log2.name()));
            second.await("READY", Waits.STARTUP);
            send(producer, seed, before, before + after);
            second.await("DONE " + after, Duration.ofSeconds(20));
            Waits.awaitSuccess(second, Duration.ofSeconds(20));

            assertLog(log1.segment(), 0, before);
            assertLog(log2.segment(), before, after);
            QueueCounters c = producer.counters();
            assertThat(c.recordsIn()).isEqualTo(before + after);
            assertThat(c.recordsOut()).isEqualTo(before + after);
            assertThat(c.skipped()).isZero();
            assertThat(c.consumerPid()).isZero(); // the second closed
        }
    }

    private static String[] consumeLog(String[] args, String log) {
        String[] all = new String[args.length + 1];
        all[0] = "consume-log";
        System.arraycopy(args, 0, all, 1, args.length);
        all[2] = log;
        return all;
    }

    private static void send(SharedQueue producer, long seed, int from, int to) throws InterruptedException {
        for (int seq = from; seq < to; seq++) {
            int length = Payloads.length(seed, 0, seq, 1, 512);
            MemorySegment message = MemorySegment.ofArray(new byte[length]);
            Payloads.fill(message, 0, length, seed, 0, seq);
            assertThat(producer.send(Payloads.type(0, seq), message, WaitStrategy.PARK, Duration.ofSeconds(20)))
                    .as("seq %d", seq).isTrue();
        }
    }

    private static void assertLog(MemorySegment log, long from, int count) {
        assertThat(QueueTesting.longField(log, QueueChild.LOG_COUNT)).isEqualTo(count);
        for (int i = 0; i < count; i++) {
            assertThat(log.get(ValueLayout.JAVA_LONG, QueueChild.LOG_ENTRIES + 8L * i)).as("entry %d", i)
                    .isEqualTo(from + i);
        }
    }

    // ------------------------------------------------------------------ roles across processes

    @Test
    @Timeout(60)
    void aRoleHeldByAnotherLiveProcessIsRefusedAndPassesOnWhenItClosesOrDies() throws Exception {
        String name = names.next();
        try (SharedQueue queue = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             QueueTesting.Group children = new QueueTesting.Group()) {
            ChildJvm consumer = children.launch("hold-role", name, "consumer");
            ChildJvm producer = children.launch("hold-role", name, "producer");
            consumer.await("HOLDING", Waits.STARTUP);
            producer.await("HOLDING", Waits.STARTUP);
            assertThatThrownBy(queue::poll).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already has a consumer: process " + consumer.pid() + "; a SPSC queue has one");
            assertThatThrownBy(() -> queue.offer(new byte[1])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already has a producer: process " + producer.pid());
            assertThat(queue.counters().consumerPid()).isEqualTo(consumer.pid());
            assertThat(queue.counters().producerPid()).isEqualTo(producer.pid());

            consumer.send("RELEASE");
            consumer.await("RELEASED", Duration.ofSeconds(10));
            assertThat(queue.poll()).as("the producer's empty message").isEmpty();
            producer.kill9();
            assertThat(queue.offer(new byte[] {7})).as("the role of a dead producer passes on").isTrue();
            assertThat(queue.poll()).containsExactly(7);
            QueueCounters c = queue.counters();
            assertThat(c.producerPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(c.consumerPid()).isEqualTo(ProcessHandle.current().pid());
        }
    }
}
