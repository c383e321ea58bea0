package io.jshm.reliability;

import io.jshm.CorruptRegionException;
import io.jshm.SharedMemory;
import io.jshm.sync.SeqLock;
import io.jshm.sync.SharedEvent;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SharedSemaphore;
import io.jshm.testing.RegionNames;
import io.jshm.testing.SeedAndDeadline;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every synchronization primitive's header and fields damaged, as a hostile or buggy peer would:
 * the whole primitive overwritten with random bytes, or one 8-byte field with a random value.
 * Attaching gives a primitive or {@link CorruptRegionException}; using what attached gives a
 * result, {@link CorruptRegionException}, or the documented {@link IllegalStateException} /
 * {@link IllegalArgumentException} / {@link IllegalMonitorStateException} for a state that misuse
 * could also make; nothing else, nothing hangs (every wait has a short timeout), and no byte
 * outside the primitive changes. A named primitive over a region whose size disagrees with it (too
 * small, or holding garbage) is refused with {@link CorruptRegionException}. jqwik prints each
 * property's seed ({@link SeedAndDeadline}).
 */
@AddLifecycleHook(SeedAndDeadline.class)
class SyncHeaderPropertyTest {

    static final RegionNames names = new RegionNames(SyncHeaderPropertyTest.class);

    enum Kind {
        MUTEX(SharedMutex.SIZE), SEMAPHORE(SharedSemaphore.SIZE), EVENT(SharedEvent.SIZE), SEQLOCK(SeqLock.sizeFor(16));

        final long size;

        Kind(long size) {
            this.size = size;
        }
    }

    private static final long AT = 1024;
    private static final long REGION = 4096;
    private static final byte GUARD = 0x5A;
    private static final Duration WAIT = Duration.ofMillis(20);

    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-16, 16),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 1L << 32, 1L, 3L,
                        ProcessHandle.current().pid() << 32, ProcessHandle.current().pid()));
    }

    @Property(tries = 300)
    void aPrimitiveWithOneFieldDamagedAttachesAndWorksOrIsCorrupt(@ForAll Kind kind, @ForAll long fieldSeed,
                                                                  @ForAll("values") long value) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = prepared(arena, kind);
            long field = Math.floorMod(fieldSeed, kind.size / 8) * 8;
            seg.set(ValueLayout.JAVA_LONG, AT + field, value);
            exercise(kind, seg, "field @" + field + " = " + value);
        }
    }

    @Property(tries = 200)
    void aPrimitiveOverwrittenWithRandomBytesIsCorruptOrWorks(@ForAll Kind kind, @ForAll long seed) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = prepared(arena, kind);
            byte[] garbage = new byte[(int) kind.size];
            new Random(seed).nextBytes(garbage);
            MemorySegment.copy(garbage, 0, seg, ValueLayout.JAVA_BYTE, AT, garbage.length);
            exercise(kind, seg, "random bytes from seed " + seed);
        }
    }

    @Property(tries = 60)
    void aNamedPrimitiveOverARegionOfTheWrongSizeOrContentIsRefused(@ForAll Kind kind, @ForAll long seed) {
        Random random = new Random(seed);
        String name = names.next();
        long size = 1 + random.nextInt((int) kind.size - 1); // too small for the primitive
        boolean garbageInstead = random.nextBoolean();
        if (garbageInstead) {
            size = kind.size + random.nextInt(4096);
        }
        try (SharedMemory other = SharedMemory.create(name, size)) {
            byte[] garbage = new byte[(int) size];
            random.nextBytes(garbage);
            garbage[0] |= 1; // a header that is not zero: no creator to wait for
            MemorySegment.copy(garbage, 0, other.segment(), ValueLayout.JAVA_BYTE, 0, garbage.length);
            try {
                AutoCloseable opened = switch (kind) {
                    case MUTEX -> SharedMutex.openOrCreate(name);
                    case SEMAPHORE -> SharedSemaphore.openOrCreate(name, 2);
                    case EVENT -> SharedEvent.openOrCreate(name, SharedEvent.Reset.AUTO);
                    case SEQLOCK -> SeqLock.openOrCreate(name, 16);
                };
                opened.close();
                fail("a %s opened over %d bytes of %s", kind, size, garbageInstead ? "garbage" : "a too small region");
            } catch (CorruptRegionException expected) {
                assertThat(expected.getMessage()).contains(name);
            } catch (Exception e) {
                fail("%s over %d bytes: not CorruptRegionException", kind, size, e);
            }
        }
        assertThat(names.leftovers()).isEmpty();
    }

    @AfterContainer
    static void nothingLeftBehind() throws Exception {
        names.checkNothingLeft(SyncHeaderPropertyTest.class.getSimpleName());
    }

    /** {@return a region-sized segment with the primitive initialised at {@link #AT}, guard bytes around it} */
    private static MemorySegment prepared(Arena arena, Kind kind) {
        MemorySegment seg = arena.allocate(REGION, 4096);
        seg.fill(GUARD);
        switch (kind) {
            case MUTEX -> SharedMutex.initialize(seg, AT);
            case SEMAPHORE -> SharedSemaphore.initialize(seg, AT, 2);
            case EVENT -> SharedEvent.initialize(seg, AT, SharedEvent.Reset.MANUAL);
            case SEQLOCK -> SeqLock.initialize(seg, AT, 16);
        }
        return seg;
    }

    private static void exercise(Kind kind, MemorySegment seg, String damage) throws InterruptedException {
        try {
            switch (kind) {
                case MUTEX -> {
                    SharedMutex m = SharedMutex.attach(seg, AT);
                    if (m.tryLock(WAIT) != io.jshm.sync.LockResult.NOT_ACQUIRED) {
                        m.unlock();
                    }
                }
                case SEMAPHORE -> {
                    SharedSemaphore s = SharedSemaphore.attach(seg, AT);
                    s.availablePermits();
                    if (s.tryAcquire(WAIT)) {
                        s.release();
                    }
                }
                case EVENT -> {
                    SharedEvent e = SharedEvent.attach(seg, AT);
                    e.await(WAIT);
                    e.set();
                    e.reset();
                }
                case SEQLOCK -> {
                    SeqLock l = SeqLock.attach(seg, AT);
                    l.write(MemorySegment.ofArray(new byte[l.payloadSize()]));
                    l.read(MemorySegment.ofArray(new byte[l.payloadSize()]));
                }
            }
        } catch (CorruptRegionException | IllegalStateException | IllegalArgumentException
                 | IllegalMonitorStateException expected) {
            assertThat(expected.getMessage()).as("%s, %s: a message", kind, damage).isNotBlank();
        } catch (RuntimeException e) {
            fail("%s with %s: unexpected %s", kind, damage, e);
        }
        for (long i = 0; i < REGION; i++) {
            if (i == AT) {
                i = AT + kind.size - 1;
                continue;
            }
            if (seg.get(ValueLayout.JAVA_BYTE, i) != GUARD) {
                fail("%s with %s wrote outside itself, at byte %d", kind, damage, i);
            }
        }
    }
}
