package io.jshm.reliability;

import io.jshm.Access;
import io.jshm.InvalidSizeException;
import io.jshm.SharedMemory;
import io.jshm.sync.Atomics;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Any size, view offset, view length and access mode: {@code create} makes a region or refuses
 * the size ({@link InvalidSizeException}); {@code map} gives a view of exactly the range asked, or
 * refuses it with the documented {@link IndexOutOfBoundsException} / {@link IllegalArgumentException};
 * writing through a read-write view changes exactly the bytes of its range and nothing else, and a
 * read-only view refuses the write and changes nothing; {@link Atomics} at any offset works inside
 * the region or refuses. Nothing else comes out. jqwik prints each property's seed.
 */
@AddLifecycleHook(SeedAndDeadline.class)
class RegionArgumentsPropertyTest {

    static final RegionNames names = new RegionNames(RegionArgumentsPropertyTest.class);

    @Provide
    Arbitrary<Long> sizes() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-8, 3 * 4096 + 8), Arbitraries.of(Long.MIN_VALUE, 0L, 1L, 4095L,
                4096L, 4097L));
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-16, 3 * 4096 + 16),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 4095L, 4096L, 1L << 40));
    }

    @Property(tries = 300)
    void anyViewIsExactlyItsRangeOrARefusal(@ForAll("sizes") long size, @ForAll("offsets") long offset,
                                            @ForAll("offsets") long length, @ForAll Access access) {
        String name = names.next();
        SharedMemory rw;
        try {
            rw = SharedMemory.create(name, size);
        } catch (InvalidSizeException e) {
            assertThat(size).as("refused size").isLessThanOrEqualTo(0);
            assertThat(e.getMessage()).contains(name).contains("invalid size " + size);
            return;
        }
        assertThat(size).as("accepted size").isPositive();
        try (rw; SharedMemory handle = SharedMemory.open(name, access); Arena arena = Arena.ofConfined()) {
            MemorySegment view;
            try {
                view = handle.map(arena, offset, length);
            } catch (IndexOutOfBoundsException | IllegalArgumentException refused) {
                boolean inside = length > 0 && offset >= 0 && offset <= size - length;
                assertThat(inside).as("refused [%d, +%d) of %d: %s", offset, length, size, refused.getMessage()).isFalse();
                return;
            }
            assertThat(view.byteSize()).isEqualTo(length);
            assertThat(offset).isBetween(0L, size - length);
            try {
                view.fill((byte) 0x77);
                assertThat(access).as("a write through a read-only view").isEqualTo(Access.READ_WRITE);
            } catch (IllegalArgumentException readOnly) {
                assertThat(access).isEqualTo(Access.READ_ONLY);
            }
            MemorySegment all = rw.segment();
            for (long i = 0; i < size; i++) {
                boolean written = access == Access.READ_WRITE && i >= offset && i < offset + length;
                if (all.get(ValueLayout.JAVA_BYTE, i) != (written ? (byte) 0x77 : 0)) {
                    fail("byte %d of %d after a write to [%d, +%d) %s", i, size, offset, length, access);
                }
            }
        }
    }

    @Property(tries = 200)
    void atomicsAtAnyOffsetWorkInsideOrRefuse(@ForAll("offsets") long offset) {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            MemorySegment seg = shm.segment();
            try {
                assertThat(Atomics.compareAndSetLong(seg, offset, 0L, 5L)).isTrue();
                assertThat(offset % 8).isZero();
                assertThat(offset).isBetween(0L, 4096L - 8);
                assertThat(seg.get(ValueLayout.JAVA_LONG, offset)).isEqualTo(5L);
            } catch (IndexOutOfBoundsException | IllegalArgumentException refused) {
                assertThat(offset % 8 == 0 && offset >= 0 && offset <= 4096 - 8).as("refused %d", offset).isFalse();
                assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).as("nothing written").containsOnly((byte) 0);
            }
        }
    }

    @AfterContainer
    static void nothingLeftBehind() throws Exception {
        names.checkNothingLeft(RegionArgumentsPropertyTest.class.getSimpleName());
    }
}
