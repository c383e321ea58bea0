package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.CorruptRegionException;
import io.jshm.JshmException;
import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every primitive refuses bad placements with the JDK's exceptions and clear messages, refuses
 * memory that does not hold it with {@link CorruptRegionException}, and writes nothing when it
 * refuses.
 */
class BadInputTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(BadInputTest.class);

    private static final long REGION = 4096;
    private static final int SEQ_PAYLOAD = 16;

    /** One kind of primitive: its name in messages, its size, and how to place it. */
    private record Kind(String name, long size, short code,
                        BiFunction<MemorySegment, Long, Object> initialize,
                        BiFunction<MemorySegment, Long, Object> attach) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("mutex", SharedMutex.SIZE, SyncHeader.KIND_MUTEX, SharedMutex::initialize, SharedMutex::attach),
            new Kind("semaphore", SharedSemaphore.SIZE, SyncHeader.KIND_SEMAPHORE,
                    (s, at) -> SharedSemaphore.initialize(s, at, 1), SharedSemaphore::attach),
            new Kind("event", SharedEvent.SIZE, SyncHeader.KIND_EVENT,
                    (s, at) -> SharedEvent.initialize(s, at, SharedEvent.Reset.MANUAL), SharedEvent::attach),
            new Kind("seqlock", SeqLock.sizeFor(SEQ_PAYLOAD), SyncHeader.KIND_SEQLOCK,
                    (s, at) -> SeqLock.initialize(s, at, SEQ_PAYLOAD), SeqLock::attach));

    // ------------------------------------------------------------------ placement

    @Test
    @Timeout(30)
    void offsetsOutsideTheSegmentThrowIndexOutOfBoundsExceptionAndWriteNothing() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            s.fill((byte) 0x55);
            for (Kind kind : KINDS) {
                long lastFit = REGION - kind.size;
                for (long at : new long[] {-8, -kind.size, lastFit + 8, REGION, REGION + 64, Long.MAX_VALUE - 7}) {
                    assertThatThrownBy(() -> kind.initialize.apply(s, at)).as("initialize a %s at %d", kind, at)
                            .isInstanceOf(IndexOutOfBoundsException.class)
                            .hasMessageContaining("a " + kind.name + " needs " + kind.size + " bytes at offset " + at)
                            .hasMessageContaining("the segment has " + REGION + " bytes");
                }
                // attach first checks the fixed part (a seqlock's header without its payload)
                for (long at : new long[] {-8, REGION - 8, REGION, REGION + 64, Long.MAX_VALUE - 7}) {
                    assertThatThrownBy(() -> kind.attach.apply(s, at)).as("attach a %s at %d", kind, at)
                            .isInstanceOf(IndexOutOfBoundsException.class)
                            .hasMessageContaining("a " + kind.name + " needs")
                            .hasMessageContaining("bytes at offset " + at)
                            .hasMessageContaining("the segment has " + REGION + " bytes");
                }
            }
            assertThat(s.toArray(ValueLayout.JAVA_BYTE)).as("nothing was written").containsOnly((byte) 0x55);

            for (Kind kind : KINDS) { // the last place that fits is fine
                long lastFit = REGION - kind.size;
                kind.initialize.apply(s, lastFit);
                kind.attach.apply(s, lastFit);
            }
        }
    }

    @Test
    @Timeout(30)
    void misalignedPlacesThrowIllegalArgumentExceptionAndWriteNothing() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            s.fill((byte) 0x55);
            MemorySegment oddSlice = s.asSlice(3);
            for (Kind kind : KINDS) {
                for (long at : new long[] {1, 4, 7, 12, 1028}) {
                    assertThatThrownBy(() -> kind.initialize.apply(s, at)).as("initialize a %s at %d", kind, at)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("a " + kind.name + " needs an 8-byte aligned offset, got " + at);
                    assertThatThrownBy(() -> kind.attach.apply(s, at)).as("attach a %s at %d", kind, at)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("8-byte aligned");
                }
                // An aligned offset in a segment that starts at an odd address is a misaligned address.
                assertThatThrownBy(() -> kind.initialize.apply(oddSlice, 8L)).as("initialize a %s in a slice", kind)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("8-byte aligned offset, got 8")
                        .hasMessageContaining("address 0x" + Long.toHexString(s.address() + 11));
            }
            assertThat(s.toArray(ValueLayout.JAVA_BYTE)).as("nothing was written").containsOnly((byte) 0x55);
        }
    }

    @Test
    @Timeout(30)
    void segmentsTooSmallForThePrimitiveAreRefused() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            for (Kind kind : KINDS) {
                MemorySegment small = shm.segment().asSlice(0, kind.size - 1);
                assertThatThrownBy(() -> kind.initialize.apply(small, 0L)).as("initialize a %s", kind)
                        .isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining("needs " + kind.size + " bytes at offset 0, but the segment has "
                                + (kind.size - 1) + " bytes");
                MemorySegment tiny = shm.segment().asSlice(0, 8);
                assertThatThrownBy(() -> kind.attach.apply(tiny, 0L)).as("attach a %s", kind)
                        .isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining("the segment has 8 bytes");
            }
            // A seqlock whose payload does not fit what is left of the segment.
            MemorySegment s = shm.segment().asSlice(0, 256);
            assertThatThrownBy(() -> SeqLock.initialize(s, 64, 128)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("a seqlock needs 256 bytes at offset 64");
        }
    }

    // ------------------------------------------------------------------ what is there

    @Test
    @Timeout(30)
    void attachingZeroedMemoryThrowsCorruptRegionExceptionSayingNotInitialised() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            for (Kind kind : KINDS) {
                assertThatThrownBy(() -> kind.attach.apply(shm.segment(), 512L)).as("attach a %s", kind)
                        .isInstanceOf(CorruptRegionException.class)
                        .hasMessageContaining("no jshm " + kind.name + " at offset 512")
                        .hasMessageContaining("not initialised")
                        .satisfies(e -> assertThat(((JshmException) e).region()).contains("offset 512"));
            }
        }
    }

    @Test
    @Timeout(30)
    void attachingGarbageThrowsCorruptRegionException() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            byte[] garbage = "GARBAGE! not a primitive at all, just text".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            MemorySegment.copy(garbage, 0, s, ValueLayout.JAVA_BYTE, 0, garbage.length);
            for (Kind kind : KINDS) {
                assertThatThrownBy(() -> kind.attach.apply(s, 0L)).as("attach a %s", kind)
                        .isInstanceOf(CorruptRegionException.class)
                        .hasMessageContaining("magic 0x")
                        .hasMessageContaining("expected 0x4e59534a")
                        .hasMessageContaining("foreign or corrupt");
            }
            // The magic byte-swapped, as a peer of the other byte order would write it.
            s.set(ValueLayout.JAVA_INT, 0, Integer.reverseBytes(SyncHeader.MAGIC));
            assertThatThrownBy(() -> SharedMutex.attach(s, 0)).isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("foreign or corrupt");
        }
    }

    @Test
    @Timeout(30)
    void aVersionThisJshmDoesNotReadIsRefused() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            for (Kind kind : KINDS) {
                kind.initialize.apply(s, 0L);
                for (short version : new short[] {0, 2, -1}) {
                    s.set(ValueLayout.JAVA_SHORT, SyncHeader.VERSION_OFFSET, version);
                    assertThatThrownBy(() -> kind.attach.apply(s, 0L)).as("%s version %d", kind, version)
                            .isInstanceOf(CorruptRegionException.class)
                            .hasMessageContaining("unsupported " + kind.name + " version " + version)
                            .hasMessageContaining("reads version 1");
                }
                s.set(ValueLayout.JAVA_SHORT, SyncHeader.VERSION_OFFSET, SyncHeader.VERSION);
                kind.attach.apply(s, 0L);
                s.asSlice(0, kind.size).fill((byte) 0);
            }
        }
    }

    @Test
    @Timeout(30)
    void anotherKindOfPrimitiveIsRefused() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            for (Kind there : KINDS) {
                there.initialize.apply(s, 0L);
                for (Kind wanted : KINDS) {
                    if (wanted == there) {
                        continue;
                    }
                    assertThatThrownBy(() -> wanted.attach.apply(s, 0L)).as("attach a %s to a %s", wanted, there)
                            .isInstanceOf(CorruptRegionException.class)
                            .hasMessageContaining("expected a " + wanted.name)
                            .hasMessageContaining("but found a " + there.name);
                }
                s.asSlice(0, there.size).fill((byte) 0);
            }
            SharedMutex.initialize(s, 0);
            s.set(ValueLayout.JAVA_SHORT, SyncHeader.KIND_OFFSET, (short) 99);
            for (Kind wanted : KINDS) {
                assertThatThrownBy(() -> wanted.attach.apply(s, 0L)).as("attach a %s to kind 99", wanted)
                        .isInstanceOf(CorruptRegionException.class)
                        .hasMessageContaining("found a unknown kind 99");
            }
        }
    }

    @Test
    @Timeout(30)
    void aSeqLockWithAnImpossiblePayloadSizeIsRefused() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            SeqLock.initialize(s, 1024, SEQ_PAYLOAD);
            for (int size : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, (int) REGION,
                    (int) (REGION - 1024 - SeqLock.PAYLOAD + 1)}) {
                s.set(ValueLayout.JAVA_INT, 1024 + SeqLock.PAYLOAD_SIZE, size);
                assertThatThrownBy(() -> SeqLock.attach(s, 1024)).as("payload size %d", size)
                        .isInstanceOf(CorruptRegionException.class)
                        .hasMessageContaining("claims a payload of " + size + " bytes")
                        .hasMessageContaining("does not fit the " + REGION + "-byte segment");
            }
            int largest = (int) (REGION - 1024 - SeqLock.PAYLOAD);
            s.set(ValueLayout.JAVA_INT, 1024 + SeqLock.PAYLOAD_SIZE, largest);
            assertThatThrownBy(() -> SeqLock.attach(s, 1024)).as("a size that fits, but not its copy's")
                    .isInstanceOf(CorruptRegionException.class).hasMessageContaining("its copy of that size says");
            s.set(ValueLayout.JAVA_INT, 1024 + SeqLock.PAYLOAD_SIZE_COPY, largest); // both agree: taken as it is
            assertThat(SeqLock.attach(s, 1024).payloadSize()).isEqualTo(largest);
        }
    }

    // ------------------------------------------------------------------ named regions

    @Test
    @Timeout(30)
    void openOrCreateOfARegionHoldingAnotherKindThrowsCorruptRegionException() {
        String mutexName = names.next();
        String eventName = names.next();
        String seqName = names.next();
        try (SharedMutex mutex = SharedMutex.openOrCreate(mutexName);
             SharedEvent event = SharedEvent.openOrCreate(eventName, SharedEvent.Reset.AUTO);
             SeqLock seqLock = SeqLock.openOrCreate(seqName, 32)) {
            // Regions big enough for the other kind: the header tells.
            assertThatThrownBy(() -> SharedSemaphore.openOrCreate(mutexName, 1))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("expected a semaphore at region '" + mutexName + "' but found a mutex");
            assertThatThrownBy(() -> SharedEvent.openOrCreate(mutexName, SharedEvent.Reset.MANUAL))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("expected a event at region '" + mutexName + "' but found a mutex");
            assertThatThrownBy(() -> SharedMutex.openOrCreate(seqName))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("but found a seqlock");
            // Regions too small for the kind asked.
            assertThatThrownBy(() -> SharedMutex.openOrCreate(eventName))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("region '" + eventName + "' cannot hold a mutex of 64 bytes")
                    .hasMessageContaining("exists with 32 bytes");
            assertThatThrownBy(() -> SeqLock.openOrCreate(mutexName, 8))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("region '" + mutexName + "' cannot hold a seqlock of 136 bytes")
                    .hasMessageContaining("exists with 64 bytes");
            // A seqlock of another payload size.
            assertThatThrownBy(() -> SeqLock.openOrCreate(seqName, 16))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("has a payload of 32 bytes, not 16");
            assertThatThrownBy(() -> SeqLock.openOrCreate(seqName, 64))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("region '" + seqName + "' cannot hold a seqlock of 192 bytes")
                    .hasMessageContaining("exists with 160 bytes");

            // The failed openers left the primitives as they were, and closed what they opened.
            assertThat(mutex.tryLock()).isEqualTo(LockResult.ACQUIRED);
            mutex.unlock();
            assertThat(event.resetKind()).isEqualTo(SharedEvent.Reset.AUTO);
            assertThat(seqLock.payloadSize()).isEqualTo(32);
        }
        assertThat(SharedMemory.exists(mutexName)).isFalse();
        assertThat(SharedMemory.exists(eventName)).isFalse();
        assertThat(SharedMemory.exists(seqName)).isFalse();
    }

    @Test
    @Timeout(30)
    void openOrCreateOfARegionHoldingGarbageOrNothingThrowsCorruptRegionException() {
        String garbage = names.next();
        String zeroed = names.next();
        try (SharedMemory junk = SharedMemory.create(garbage, 4096);
             SharedMemory empty = SharedMemory.create(zeroed, 4096)) {
            junk.segment().fill((byte) 0xA5);
            assertThatThrownBy(() -> SharedMutex.openOrCreate(garbage))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("region '" + garbage + "'")
                    .hasMessageContaining("foreign or corrupt");

            long start = System.nanoTime();
            assertThatThrownBy(() -> SharedSemaphore.openOrCreate(zeroed, 1))
                    .isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining("region '" + zeroed + "'")
                    .hasMessageContaining("not initialised");
            long millis = Waits.millisSince(start);
            assertThat(millis).as("waits for a creator, then gives up")
                    .isGreaterThanOrEqualTo(Placement.INIT_TIMEOUT.toMillis())
                    .isLessThan(Placement.INIT_TIMEOUT.plus(Duration.ofSeconds(3)).toMillis());
            assertThat(empty.segment().toArray(ValueLayout.JAVA_BYTE)).as("nothing was written").containsOnly(0);
        }
        assertThat(SharedMemory.exists(garbage)).isFalse();
        assertThat(SharedMemory.exists(zeroed)).isFalse();
    }

    // ------------------------------------------------------------------ arguments

    @Test
    @Timeout(30)
    void semaphoreArgumentsAreChecked() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            assertThatThrownBy(() -> SharedSemaphore.initialize(s, 0, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot be negative: -1");
            assertThat(s.get(ValueLayout.JAVA_INT, 0)).as("nothing was written").isZero();
            assertThatThrownBy(() -> SharedSemaphore.openOrCreate(name, Integer.MIN_VALUE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot be negative");
            assertThat(SharedMemory.exists(name)).as("no region made for a refused semaphore").isFalse();

            SharedSemaphore semaphore = SharedSemaphore.initialize(s, 0, 2);
            for (int count : new int[] {0, -1, Integer.MIN_VALUE}) {
                assertThatThrownBy(() -> semaphore.release(count)).as("release(%d)", count)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("must be positive: " + count);
            }
            assertThat(semaphore.availablePermits()).isEqualTo(2);
            semaphore.release(Integer.MAX_VALUE - 2);
            assertThat(semaphore.availablePermits()).isEqualTo(Integer.MAX_VALUE);
            assertThatThrownBy(semaphore::release).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("overflow");
            assertThat(semaphore.availablePermits()).isEqualTo(Integer.MAX_VALUE);
            assertThat(SharedSemaphore.initialize(s, 64, 0).availablePermits()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void otherArgumentsAreChecked() {
        try (SharedMemory shm = SharedMemory.create(names.next(), REGION)) {
            MemorySegment s = shm.segment();
            for (int size : new int[] {0, -1, Integer.MIN_VALUE}) {
                assertThatThrownBy(() -> SeqLock.sizeFor(size)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("at least 1 byte, got " + size);
                assertThatThrownBy(() -> SeqLock.initialize(s, 0, size)).isInstanceOf(IllegalArgumentException.class);
            }
            SeqLock seqLock = SeqLock.initialize(s, 0, 12);
            assertThat(seqLock.payloadSize()).isEqualTo(12);
            assertThat(SeqLock.sizeFor(12)).isEqualTo(SeqLock.PAYLOAD + 16);
            assertThatThrownBy(() -> seqLock.write(s.asSlice(1024, 13))).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("13 bytes is larger than the 12-byte payload");
            assertThatThrownBy(() -> seqLock.read(s.asSlice(1024, 11))).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("11 bytes is smaller than the 12-byte payload");
            assertThat(seqLock.sequence()).as("refused writes did not begin").isZero();

            SharedMutex mutex = SharedMutex.initialize(s, 512);
            assertThatThrownBy(() -> mutex.tryLock(null)).isInstanceOf(NullPointerException.class);
            SharedEvent event = SharedEvent.initialize(s, 640, SharedEvent.Reset.AUTO);
            assertThatThrownBy(() -> event.await(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> SharedEvent.initialize(s, 704, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> seqLock.write((java.util.function.Consumer<MemorySegment>) null))
                    .isInstanceOf(NullPointerException.class);
        }
    }
}
