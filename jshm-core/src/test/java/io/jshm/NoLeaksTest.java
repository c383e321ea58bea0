package io.jshm;

import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Handles give back everything they take: after many create/open/map/close cycles, and many
 * failed calls, this process has no more descriptors or mappings than before, and none of them
 * refers to a region of this class.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // regions and children are held open by try blocks that do not name them
class NoLeaksTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(NoLeaksTest.class);

    /** Other threads (JIT compilers, GC) may come and go meanwhile: a few descriptors or mappings. */
    private static final int FD_TOLERANCE = 4;
    private static final int MAPS_TOLERANCE = 16;

    @Test
    void thousandCreateOpenMapCloseCyclesLeaveDescriptorsAndMappingsUnchanged() {
        String name = names.next();
        cycles(name, 50); // warm up: classes loaded, code compiled
        int fds = ShmFiles.openDescriptors();
        int maps = ShmFiles.mappings();

        cycles(name, 1000);

        assertThat(ourDescriptors()).as("descriptors on our regions").isEmpty();
        assertThat(ourMappings()).as("mappings of our regions").isEmpty();
        assertThat(ShmFiles.openDescriptors()).as("open descriptors").isBetween(fds - FD_TOLERANCE, fds + FD_TOLERANCE);
        assertThat(ShmFiles.mappings()).as("mappings").isBetween(maps - MAPS_TOLERANCE, maps + MAPS_TOLERANCE);
        assertThat(ShmFiles.present(name)).isFalse();
    }

    /** Issue 8: 10,000 cycles of create, open, map, close and unlink (a persistent region, so unlink does the removing). */
    @Test
    void tenThousandCreateOpenCloseUnlinkCyclesLeaveDescriptorsAndMappingsUnchanged() {
        String name = names.next();
        unlinkCycles(name, 100); // warm up
        int fds = ShmFiles.openDescriptors();
        int maps = ShmFiles.mappings();

        unlinkCycles(name, 10_000);

        assertThat(ourDescriptors()).as("descriptors on our regions").isEmpty();
        assertThat(ourMappings()).as("mappings of our regions").isEmpty();
        assertThat(ShmFiles.openDescriptors()).as("open descriptors").isBetween(fds - FD_TOLERANCE, fds + FD_TOLERANCE);
        assertThat(ShmFiles.mappings()).as("mappings").isBetween(maps - MAPS_TOLERANCE, maps + MAPS_TOLERANCE);
        assertThat(ShmFiles.present(name)).isFalse();
    }

    private static void unlinkCycles(String name, int count) {
        SharedMemoryOptions persistent = SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT);
        for (int i = 0; i < count; i++) {
            try (SharedMemory created = SharedMemory.create(name, 4096, persistent);
                 SharedMemory opened = SharedMemory.open(name, i % 2 == 0 ? Access.READ_WRITE : Access.READ_ONLY);
                 Arena arena = Arena.ofConfined()) {
                created.segment().set(ValueLayout.JAVA_INT, 0, i);
                assertThat(opened.map(arena, 0, 8).get(ValueLayout.JAVA_INT, 0)).isEqualTo(i);
            }
            assertThat(SharedMemory.unlink(name)).isTrue();
        }
    }

    @Test
    void failedCallsLeaveDescriptorsAndMappingsUnchanged() throws InterruptedException {
        String live = names.next();
        String missing = names.next();
        try (SharedMemory held = SharedMemory.create(live, 4096)) {
            failures(held, missing, 20); // warm up
            int fds = ShmFiles.openDescriptors();
            int maps = ShmFiles.mappings();

            failures(held, missing, 300);

            assertThat(ShmFiles.openDescriptors()).as("open descriptors").isBetween(fds - FD_TOLERANCE, fds + FD_TOLERANCE);
            assertThat(ShmFiles.mappings()).as("mappings").isBetween(maps - MAPS_TOLERANCE, maps + MAPS_TOLERANCE);
            assertThat(ourDescriptors()).as("descriptors on our regions: the held handle's only").hasSize(1);
            assertThat(ourMappings()).as("mappings of our regions: the held handle's segment only").hasSize(1);
        }
        assertThat(ourDescriptors()).isEmpty();
        assertThat(ourMappings()).isEmpty();
    }

    private static void cycles(String name, int count) {
        for (int i = 0; i < count; i++) {
            try (SharedMemory created = SharedMemory.create(name, 8192);
                 SharedMemory opened = SharedMemory.open(name, i % 2 == 0 ? Access.READ_WRITE : Access.READ_ONLY);
                 Arena arena = Arena.ofConfined()) {
                created.segment().set(ValueLayout.JAVA_INT, 4100, i);
                MemorySegment view = opened.map(arena, 4099, 100);
                assertThat(view.get(ValueLayout.JAVA_INT_UNALIGNED, 1)).isEqualTo(i);
            }
        }
    }

    private static void failures(SharedMemory held, String missing, int count) throws InterruptedException {
        String live = held.name();
        Arena[] foreign = new Arena[1];
        Thread owner = Thread.ofPlatform().start(() -> foreign[0] = Arena.ofConfined()); // confined to another thread
        owner.join();
        for (int i = 0; i < count; i++) {
            assertThatThrownBy(() -> SharedMemory.open(missing)).isInstanceOf(NoSuchRegionException.class);
            assertThatThrownBy(() -> SharedMemory.create(live, 4096)).isInstanceOf(RegionExistsException.class);
            assertThatThrownBy(() -> SharedMemory.openOrCreate(live, 8192)).isInstanceOf(InvalidSizeException.class);
            assertThatThrownBy(() -> SharedMemory.create(missing + "/x", 4096)).isInstanceOf(InvalidNameException.class);
            assertThatThrownBy(() -> SharedMemory.create(missing, 1L << 50)).isInstanceOf(NoSpaceException.class);
            Arena closed = Arena.ofConfined();
            closed.close();
            assertThatThrownBy(() -> held.map(closed, 0, 4096)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> held.map(foreign[0], 0, 4096)).isInstanceOf(WrongThreadException.class);
            try (Arena arena = Arena.ofConfined()) {
                assertThatThrownBy(() -> held.map(arena, 4000, 200)).isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
    }

    /** {@return the targets of this process's descriptors that are regions of this class} */
    private static List<String> ourDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return ""; // closed meanwhile (the listing's own descriptor)
                }
            }).filter(target -> target.contains(names.prefix())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the lines of /proc/self/maps that map a region of this class} */
    private static List<String> ourMappings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(names.prefix())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
