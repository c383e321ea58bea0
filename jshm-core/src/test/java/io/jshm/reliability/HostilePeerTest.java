package io.jshm.reliability;

import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.queue.WaitStrategy;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile peers of a queue.
 * <ul>
 *   <li>Producers no longer trust the header: a tail or head that a peer damaged (misaligned,
 *       negative, the head past the tail, the tail more than a ring ahead) stops the producer with
 *       {@link CorruptRegionException} within one ring of offers, never another exception and never
 *       a write outside the ring; a ring that is merely full still answers {@code false}. (An SPSC
 *       producer is the tail's only writer and keeps its own copy: a damaged tail is simply
 *       overwritten by its next offer, and the messages before and after it arrive intact.)</li>
 *   <li>A peer process (python3) writes random 8-byte garbage into the head, the tail and record
 *       headers while a producer thread sends and a consumer receives: the consumer stops with
 *       {@link CorruptRegionException} within a timeout (it never loops forever, and nothing reads
 *       past the ring: that would be {@link IndexOutOfBoundsException}); the producer stops with
 *       it or not at all. 10 rounds in {@code verify}, 200 with {@code -Psoak}.</li>
 * </ul>
 * Offsets are those of the queue header in docs/layout.md (a contract, so a peer in another
 * language writes there too): tail at 128, head at 256, ring from 1024.
 */
@SuppressWarnings("try")
class HostilePeerTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(HostilePeerTest.class);

    private static final long TAIL = 128;
    private static final long HEAD = 256;
    private static final long RING = 1024;
    private static final long CAPACITY = 4096;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final MemorySegment MESSAGE = MemorySegment.ofArray(new long[]{1, 2});

    static Stream<Arguments> damagedPositions() {
        return Stream.concat(damagedTails().map(tail -> Arguments.of(QueueType.MPSC, tail.get()[0], TAIL,
                tail.get()[1])), Stream.of(QueueType.SPSC, QueueType.MPSC).flatMap(type -> Stream.of(
                // (a head moved forward by less than a ring looks like a consumer's progress: see
                // docs/reliability.md)
                Arguments.of(type, "head more than a ring past the tail", HEAD, 64 + 2 * CAPACITY),
                Arguments.of(type, "head negative", HEAD, -8),
                Arguments.of(type, "head misaligned", HEAD, 5))));
    }

    static Stream<Arguments> damagedTails() {
        return Stream.of(
                Arguments.of("tail misaligned", 64L + 3),
                Arguments.of("tail negative", -64L),
                Arguments.of("tail more than a ring ahead", 64 + 3 * CAPACITY));
    }

    @ParameterizedTest(name = "SPSC: {0}")
    @MethodSource("damagedTails")
    @Timeout(20)
    void anSpscProducerOverwritesADamagedTailWithItsOwn(String what, long value) {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.SPSC);
             SharedQueue consumer = SharedQueue.open(name);
             SharedMemory raw = SharedMemory.open(name)) {
            for (int i = 0; i < 4; i++) {
                assertThat(producer.offer(i, MESSAGE)).isTrue(); // 4 records of 24 bytes, rounded: tail 96
            }
            LONG.setVolatile(raw.segment(), TAIL, value); // the hostile peer's write
            assertThat(producer.offer(4, MESSAGE)).as(what).isTrue();
            assertThat((long) LONG.getVolatile(raw.segment(), TAIL)).as("the producer's own tail again").isEqualTo(120);
            List<Integer> types = new java.util.ArrayList<>();
            assertThat(consumer.poll((t, b, o, l) -> {
                assertThat(b.asSlice(o, l).toArray(ValueLayout.JAVA_LONG)).containsExactly(1, 2);
                types.add(t);
            }, 10)).isEqualTo(5);
            assertThat(types).containsExactly(0, 1, 2, 3, 4);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("damagedPositions")
    @Timeout(20)
    void aProducerStopsWithCorruptRegionOnADamagedTailOrHead(QueueType type, String what, long offset, long value) {
        String name = names.next();
        try (SharedQueue producer = SharedQueue.create(name, CAPACITY, type); SharedMemory raw = SharedMemory.open(name)) {
            for (int i = 0; i < 4; i++) {
                assertThat(producer.offer(0, MESSAGE)).isTrue(); // tail at 4 records of 24 bytes, rounded: 128
            }
            LONG.setVolatile(raw.segment(), offset, value); // the hostile peer's write
            byte[] ring = raw.segment().asSlice(RING, CAPACITY).toArray(ValueLayout.JAVA_BYTE);
            assertThatThrownBy(() -> {
                for (long i = 0; i < CAPACITY / 24 + 2; i++) {
                    producer.offer(0, MESSAGE);
                }
            }).as(what).isInstanceOf(CorruptRegionException.class).hasMessageContaining("the producer stops here")
                    .hasMessageContaining(name);
            if (offset == TAIL) {
                assertThat(raw.segment().asSlice(RING, CAPACITY).toArray(ValueLayout.JAVA_BYTE))
                        .as("nothing written at a damaged tail").isEqualTo(ring);
            }
        }
    }

    @Test
    @Timeout(20)
    void aBroadcastProducerStopsOnAMisalignedOrNegativeTail() {
        for (long value : new long[]{-64, 64 + 4}) {
            String name = names.next();
            try (SharedQueue producer = SharedQueue.create(name, CAPACITY, QueueType.BROADCAST);
                 SharedMemory raw = SharedMemory.open(name)) {
                assertThat(producer.offer(0, MESSAGE)).isTrue();
                LONG.setVolatile(raw.segment(), TAIL, value);
                assertThatThrownBy(() -> producer.offer(0, MESSAGE)).isInstanceOf(CorruptRegionException.class)
                        .hasMessageContaining("tail " + value);
            }
        }
    }

    @Test
    @Timeout(20)
    void aFullRingIsStillJustFull() {
        for (QueueType type : List.of(QueueType.SPSC, QueueType.MPSC)) {
            try (SharedQueue producer = SharedQueue.create(names.next(), CAPACITY, type)) {
                int sent = 0;
                while (producer.offer(0, MESSAGE)) {
                    sent++;
                }
                assertThat(sent).as("%s records in a full ring", type).isEqualTo((int) (CAPACITY / 24));
                assertThat(producer.offer(0, MESSAGE)).isFalse();
            }
        }
    }

    // ------------------------------------------------------------------ garbage while reading

    private static final String GARBAGE_WRITER = """
            import mmap, os, random, sys, time
            path, seed, capacity = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            rnd = random.Random(seed)
            fd = os.open(path, os.O_RDWR)
            m = mmap.mmap(fd, 0)
            ring = len(m) - capacity  # the ring is the region's last capacity bytes, after the header
            print("READY", flush=True)
            end = time.time() + 30
            while time.time() < end:
                time.sleep(rnd.random() * 0.002)
                what = rnd.randrange(4)
                if what == 0:
                    off = 256
                elif what == 1:
                    off = 128
                else:
                    off = ring + rnd.randrange(capacity // 8) * 8
                m[off:off + 8] = rnd.getrandbits(64).to_bytes(8, 'little')
            """;

    @Test
    @Timeout(120)
    @DisabledIfSystemProperty(named = "jshm.soak", matches = "true")
    void garbageWrittenWhileAConsumerReadsStopsItInVerify() throws Exception {
        garbageRounds(Soak.count("garbageRounds", 10, 200));
    }

    @Test
    @Timeout(1200)
    @EnabledIfSystemProperty(named = "jshm.soak", matches = "true")
    void garbageWrittenWhileAConsumerReadsStopsItInSoak() throws Exception {
        garbageRounds(Soak.count("garbageRounds", 10, 200));
    }

    private static void garbageRounds(int rounds) throws Exception {
        assumeTrue(ExternalProcess.available("python3", "-c", "import mmap"), "python3 is not installed: skipped");
        long seed = Soak.seed("HostilePeerTest.garbage");
        Random random = new Random(seed);
        long delivered = 0;
        for (int round = 1; round <= rounds; round++) {
            QueueType type = random.nextBoolean() ? QueueType.SPSC : QueueType.MPSC;
            String name = names.next();
            try (SharedQueue consumer = SharedQueue.create(name, CAPACITY, type);
                 SharedQueue producer = SharedQueue.open(name);
                 ExternalProcess peer = ExternalProcess.start(List.of("python3", "-c", GARBAGE_WRITER,
                         ShmFiles.path(name).toString(), Long.toString(random.nextLong()), Long.toString(CAPACITY)))) {
                consumer.setStuckTimeout(Duration.ofMillis(5));
                AtomicReference<Throwable> producerEnd = new AtomicReference<>();
                Thread sender = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            producer.send(1, MESSAGE, WaitStrategy.SPIN_THEN_YIELD, Duration.ofMillis(10));
                        }
                    } catch (Throwable e) {
                        producerEnd.set(e);
                    }
                });
                peer.await("READY", Duration.ofSeconds(20));
                long[] count = {0};
                long start = System.nanoTime();
                Throwable stop = null;
                try {
                    while (System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                        consumer.receive((t, buffer, offset, length) -> count[0]++, 64, WaitStrategy.PARK,
                                Duration.ofMillis(20));
                    }
                } catch (Throwable e) {
                    stop = e;
                } finally {
                    sender.interrupt();
                    sender.join(10_000);
                }
                assertThat(stop).as("round %d (%s, seed %d): the consumer's end", round, type, seed)
                        .isInstanceOf(CorruptRegionException.class);
                if (producerEnd.get() != null && !(producerEnd.get() instanceof InterruptedException)) {
                    assertThat(producerEnd.get()).as("round %d: the producer's end", round)
                            .isInstanceOf(CorruptRegionException.class);
                }
                delivered += count[0];
            }
        }
        Soak.summary("HostilePeerTest.garbage", "rounds=" + rounds + " faults=" + rounds + " messages=" + delivered
                + " hangs=0 losses=n/a (garbage) consumersStoppedWithCorruptRegion=" + rounds + " seed=" + seed);
    }
}
