package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Atomics}: values round-trip through every method, checks are strict, and four processes add exactly. */
class AtomicsTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(AtomicsTest.class);

    private static final long SIZE = 4096;
    private static final long SEED = System.nanoTime();

    /** Edge values and seeded random ones; the seed is in the failure message. */
    private static long[] values() {
        SplittableRandom random = new SplittableRandom(SEED);
        return LongStream.concat(
                LongStream.of(0, 1, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE,
                        0x0102030405060708L, 0x8000_0000L, 0xFFFF_FFFFL),
                random.longs(200)).toArray();
    }

    @Test
    @Timeout(30)
    void everyIntMethodRoundTripsValues() {
        try (SharedMemory shm = SharedMemory.create(names.next(), SIZE)) {
            MemorySegment s = shm.segment();
            long at = 12; // 4-aligned, not 8-aligned
            for (long wide : values()) {
                int v = (int) wide;
                int w = (int) (wide >>> 17) ^ 0x5A5A5A5A;
                String seed = "value " + v + ", seed " + SEED;

                Atomics.setInt(s, at, v);
                assertThat(Atomics.getInt(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.getIntAcquire(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.getIntVolatile(s, at)).as(seed).isEqualTo(v);
                assertThat(s.get(ValueLayout.JAVA_INT, at)).as("stored as a native int, " + seed).isEqualTo(v);

                Atomics.setIntRelease(s, at, w);
                assertThat(Atomics.getIntAcquire(s, at)).as(seed).isEqualTo(w);
                Atomics.setIntVolatile(s, at, v);
                assertThat(Atomics.getIntVolatile(s, at)).as(seed).isEqualTo(v);

                assertThat(Atomics.compareAndSetInt(s, at, w, v)).as("CAS with a wrong expected value, " + seed)
                        .isEqualTo(w == v);
                assertThat(Atomics.getInt(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.compareAndSetInt(s, at, v, w)).as(seed).isTrue();
                assertThat(Atomics.getInt(s, at)).as(seed).isEqualTo(w);

                assertThat(Atomics.getAndSetInt(s, at, v)).as(seed).isEqualTo(w);
                assertThat(Atomics.getInt(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.getAndAddInt(s, at, w)).as(seed).isEqualTo(v);
                assertThat(Atomics.getInt(s, at)).as("wraps as int addition, " + seed).isEqualTo(v + w);
                assertThat(Atomics.getAndAddInt(s, at, -w)).as(seed).isEqualTo(v + w);
                assertThat(Atomics.getInt(s, at)).as(seed).isEqualTo(v);
            }
            assertThat(s.get(ValueLayout.JAVA_LONG, 0)).as("neighbours untouched").isZero();
            assertThat(s.get(ValueLayout.JAVA_INT, 16)).as("neighbours untouched").isZero();
        }
    }

    @Test
    @Timeout(30)
    void everyLongMethodRoundTripsValues() {
        try (SharedMemory shm = SharedMemory.create(names.next(), SIZE)) {
            MemorySegment s = shm.segment();
            long at = SIZE - 8; // the last long of the region
            for (long v : values()) {
                long w = Long.rotateLeft(v, 29) ^ 0x5A5A_5A5A_5A5A_5A5AL;
                String seed = "value " + v + ", seed " + SEED;

                Atomics.setLong(s, at, v);
                assertThat(Atomics.getLong(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.getLongAcquire(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.getLongVolatile(s, at)).as(seed).isEqualTo(v);
                assertThat(s.get(ValueLayout.JAVA_LONG, at)).as("stored as a native long, " + seed).isEqualTo(v);

                Atomics.setLongRelease(s, at, w);
                assertThat(Atomics.getLongAcquire(s, at)).as(seed).isEqualTo(w);
                Atomics.setLongVolatile(s, at, v);
                assertThat(Atomics.getLongVolatile(s, at)).as(seed).isEqualTo(v);

                assertThat(Atomics.compareAndSetLong(s, at, w, v)).as("CAS with a wrong expected value, " + seed)
                        .isEqualTo(w == v);
                assertThat(Atomics.getLong(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.compareAndSetLong(s, at, v, w)).as(seed).isTrue();
                assertThat(Atomics.getLong(s, at)).as(seed).isEqualTo(w);

                assertThat(Atomics.getAndSetLong(s, at, v)).as(seed).isEqualTo(w);
                assertThat(Atomics.getLong(s, at)).as(seed).isEqualTo(v);
                assertThat(Atomics.getAndAddLong(s, at, w)).as(seed).isEqualTo(v);
                assertThat(Atomics.getLong(s, at)).as("wraps as long addition, " + seed).isEqualTo(v + w);
                assertThat(Atomics.getAndAddLong(s, at, -w)).as(seed).isEqualTo(v + w);
                assertThat(Atomics.getLong(s, at)).as(seed).isEqualTo(v);
            }
            assertThat(s.get(ValueLayout.JAVA_LONG, at - 8)).as("neighbours untouched").isZero();
        }
    }

    @Test
    @Timeout(30)
    void valuesAreStoredInTheNativeByteOrder() {
        try (SharedMemory shm = SharedMemory.create(names.next(), SIZE)) {
            MemorySegment s = shm.segment();
            Atomics.setLong(s, 0, 0x0102030405060708L);
            Atomics.setInt(s, 8, 0x0A0B0C0D);
            boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) (little ? 0x08 : 0x01));
            assertThat(s.get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) (little ? 0x01 : 0x08));
            assertThat(s.get(ValueLayout.JAVA_BYTE, 8)).isEqualTo((byte) (little ? 0x0D : 0x0A));
        }
    }

    @Test
    @Timeout(30)
    void misalignedOffsetsThrowIllegalArgumentExceptionNamingTheOffset() {
        try (SharedMemory shm = SharedMemory.create(names.next(), SIZE)) {
            MemorySegment s = shm.segment();
            for (Op op : OPS) {
                for (long offset = 1; offset < op.width; offset++) {
                    long at = 64 + offset;
                    assertThatThrownBy(() -> op.call.accept(s, at)).as("%s at %d", op.name, at)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("aligned")
                            .hasMessageContaining("offset " + at);
                }
            }
            assertThat(s.asSlice(0, 128).toArray(ValueLayout.JAVA_BYTE)).as("nothing written").containsOnly(0);
        }
    }

    @Test
    @Timeout(30)
    void offsetsOutsideTheSegmentThrowIndexOutOfBoundsException() {
        try (SharedMemory shm = SharedMemory.create(names.next(), SIZE)) {
            MemorySegment s = shm.segment();
            MemorySegment slice = s.asSlice(64, 64);
            for (Op op : OPS) {
                for (long at : new long[] {SIZE, SIZE + op.width, -op.width, -8 * 1024, Long.MIN_VALUE}) {
                    assertThatThrownBy(() -> op.call.accept(s, at)).as("%s at %d", op.name, at)
                            .isInstanceOf(IndexOutOfBoundsException.class);
                }
                // A slice is bounded by its own size, not the region's.
                assertThatThrownBy(() -> op.call.accept(slice, 64L)).as("%s past a slice", op.name)
                        .isInstanceOf(IndexOutOfBoundsException.class);
                op.call.accept(slice, 64L - op.width); // its last field is fine
            }
        }
    }

    @Test
    @Timeout(30)
    void aClosedRegionThrowsIllegalStateException() {
        SharedMemory shm = SharedMemory.create(names.next(), SIZE);
        MemorySegment s = shm.segment();
        shm.close();
        for (Op op : OPS) {
            assertThatThrownBy(() -> op.call.accept(s, 0L)).as(op.name).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @Timeout(60)
    void getAndAddFromFourProcessesSumsExactly() throws Exception {
        String name = names.next();
        int processes = 4;
        int iterations = 10_000;
        try (SharedMemory shm = SharedMemory.create(name, SIZE);
             Children children = Children.start(processes, i -> new String[] {
                     "atomics-add", name, "256", Integer.toString(iterations)})) {
            children.awaitAll("READY", Waits.STARTUP);
            children.sendAll("GO");
            children.awaitAll("DONE", Duration.ofSeconds(40));
            children.awaitExit(Duration.ofSeconds(10));

            assertThat(Atomics.getLongVolatile(shm.segment(), 256)).isEqualTo((long) processes * iterations);
            assertThat(Atomics.getIntVolatile(shm.segment(), 264)).isEqualTo(processes * iterations);
        }
    }

    /** One Atomics method, by name, with the width of its field. */
    private record Op(String name, int width, BiConsumer<MemorySegment, Long> call) {
    }

    private static final List<Op> OPS = List.of(
            new Op("getInt", 4, Atomics::getInt),
            new Op("getIntAcquire", 4, Atomics::getIntAcquire),
            new Op("getIntVolatile", 4, Atomics::getIntVolatile),
            new Op("setInt", 4, (s, at) -> Atomics.setInt(s, at, 7)),
            new Op("setIntRelease", 4, (s, at) -> Atomics.setIntRelease(s, at, 7)),
            new Op("setIntVolatile", 4, (s, at) -> Atomics.setIntVolatile(s, at, 7)),
            new Op("compareAndSetInt", 4, (s, at) -> Atomics.compareAndSetInt(s, at, 0, 7)),
            new Op("getAndAddInt", 4, (s, at) -> Atomics.getAndAddInt(s, at, 7)),
            new Op("getAndSetInt", 4, (s, at) -> Atomics.getAndSetInt(s, at, 7)),
            new Op("getLong", 8, Atomics::getLong),
            new Op("getLongAcquire", 8, Atomics::getLongAcquire),
            new Op("getLongVolatile", 8, Atomics::getLongVolatile),
            new Op("setLong", 8, (s, at) -> Atomics.setLong(s, at, 7)),
            new Op("setLongRelease", 8, (s, at) -> Atomics.setLongRelease(s, at, 7)),
            new Op("setLongVolatile", 8, (s, at) -> Atomics.setLongVolatile(s, at, 7)),
            new Op("compareAndSetLong", 8, (s, at) -> Atomics.compareAndSetLong(s, at, 0, 7)),
            new Op("getAndAddLong", 8, (s, at) -> Atomics.getAndAddLong(s, at, 7)),
            new Op("getAndSetLong", 8, (s, at) -> Atomics.getAndSetLong(s, at, 7)));
}
