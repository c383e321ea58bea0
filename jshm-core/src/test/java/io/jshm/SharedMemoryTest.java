package io.jshm;

import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API of {@link SharedMemory} in one process: create, open, views, handles, metadata, files, options. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // regions and children are held open by try blocks that do not name them
class SharedMemoryTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(SharedMemoryTest.class);

    private static final long PID = ProcessHandle.current().pid();

    // ------------------------------------------------------------------ create / open / openOrCreate

    @Test
    void createGivesAZeroFilledRegionThatOpenSharesByName() {
        String name = names.next();
        try (SharedMemory a = SharedMemory.create(name, 8192)) {
            assertThat(a.created()).isTrue();
            assertThat(a.name()).isEqualTo(name);
            assertThat(a.size()).isEqualTo(8192);
            assertThat(a.segment().byteSize()).isEqualTo(8192);
            assertThat(a.lifetime()).isEqualTo(Lifetime.UNTIL_LAST_CLOSE);
            assertThat(a.access()).isEqualTo(Access.READ_WRITE);
            assertThat(a.isOpen()).isTrue();
            assertThat(firstNonZero(a.segment())).isEqualTo(-1);

            a.segment().set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
            a.segment().set(ValueLayout.JAVA_BYTE, 8191, (byte) 0x7f);

            try (SharedMemory b = SharedMemory.open(name)) {
                assertThat(b.created()).isFalse();
                assertThat(b.size()).isEqualTo(8192);
                assertThat(b.lifetime()).isEqualTo(Lifetime.UNTIL_LAST_CLOSE);
                assertThat(b.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x1122334455667788L);
                assertThat(b.segment().get(ValueLayout.JAVA_BYTE, 8191)).isEqualTo((byte) 0x7f);
                // two mappings of one object: a write through either is seen through the other
                assertThat(b.segment().address()).isNotEqualTo(a.segment().address());
                b.segment().set(ValueLayout.JAVA_INT, 4000, 42);
                assertThat(a.segment().get(ValueLayout.JAVA_INT, 4000)).isEqualTo(42);
            }
        }
        assertThat(ShmFiles.present(name)).as("removed by the last close").isFalse();
    }

    @Test
    void openOrCreateTellsWhetherItCreated() {
        String name = names.next();
        try (SharedMemory first = SharedMemory.openOrCreate(name, 4096)) {
            assertThat(first.created()).isTrue();
            assertThat(first.size()).isEqualTo(4096);
            first.segment().set(ValueLayout.JAVA_INT, 0, 7);
            try (SharedMemory second = SharedMemory.openOrCreate(name, 4096);
                 SharedMemory smallerAsk = SharedMemory.openOrCreate(name, 100)) {
                assertThat(second.created()).isFalse();
                assertThat(second.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(7);
                assertThat(smallerAsk.created()).isFalse();
                assertThat(smallerAsk.size()).as("an existing region keeps its own size").isEqualTo(4096);
            }
            assertThatThrownBy(() -> SharedMemory.openOrCreate(name, 4097))
                    .isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("4096")
                    .hasMessageContaining("4097");
            assertThat(ShmFiles.present(name)).as("a refused openOrCreate leaves the region alone").isTrue();
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ views

    @Test
    void viewsAtUnalignedOffsetsSeeTheSameBytesAsTheWholeSegment() {
        String name = names.next();
        long size = 5 * 4096 + 123;
        try (SharedMemory shm = SharedMemory.create(name, size); Arena arena = Arena.ofConfined()) {
            MemorySegment whole = shm.segment();
            for (long i = 0; i < size; i++) {
                whole.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
            }
            long[][] ranges = {{0, size}, {1, 10}, {4095, 2}, {4096, 4096}, {4097, 9000}, {12345, 678},
                    {size - 1, 1}, {3, size - 3}, {8191, 4098}};
            for (long[] r : ranges) {
                long offset = r[0];
                long length = r[1];
                MemorySegment view = shm.map(arena, offset, length);
                assertThat(view.byteSize()).isEqualTo(length);
                assertThat(view.isReadOnly()).isFalse();
                assertThat(MemorySegment.mismatch(view, 0, length, whole, offset, offset + length))
                        .as("view [%d, +%d) against segment()", offset, length).isEqualTo(-1);
                // writes go both ways
                view.set(ValueLayout.JAVA_BYTE, length - 1, (byte) 0x5a);
                assertThat(whole.get(ValueLayout.JAVA_BYTE, offset + length - 1)).isEqualTo((byte) 0x5a);
                whole.set(ValueLayout.JAVA_BYTE, offset, (byte) 0x3c);
                assertThat(view.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x3c);
                // the view is bounds-checked at its own length
                assertThatThrownBy(() -> view.get(ValueLayout.JAVA_BYTE, length))
                        .isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
    }

    @Test
    void aViewOutlivesTheHandleUntilItsArenaCloses() {
        String name = names.next();
        Arena arena = Arena.ofConfined();
        MemorySegment view;
        try (SharedMemory shm = SharedMemory.create(name, 3 * 4096)) {
            shm.segment().set(ValueLayout.JAVA_INT, 5000, 0xCAFE);
            view = shm.map(arena, 4999, 100);
        }
        assertThat(ShmFiles.present(name)).as("the name goes with the last handle").isFalse();
        assertThat(view.get(ValueLayout.JAVA_INT_UNALIGNED, 1)).isEqualTo(0xCAFE);
        view.set(ValueLayout.JAVA_BYTE, 99, (byte) 1);
        assertThat(view.get(ValueLayout.JAVA_BYTE, 99)).isEqualTo((byte) 1);
        arena.close();
        assertThatThrownBy(() -> view.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readOnlyHandleHasReadOnlySegmentsAndRefusesWrites() {
        String name = names.next();
        try (SharedMemory rw = SharedMemory.create(name, 4096);
             SharedMemory ro = SharedMemory.open(name, Access.READ_ONLY);
             Arena arena = Arena.ofConfined()) {
            assertThat(ro.access()).isEqualTo(Access.READ_ONLY);
            assertThat(ro.segment().isReadOnly()).isTrue();
            rw.segment().set(ValueLayout.JAVA_LONG, 64, 99L);
            assertThat(ro.segment().get(ValueLayout.JAVA_LONG, 64)).isEqualTo(99L);

            assertThatThrownBy(() -> ro.segment().set(ValueLayout.JAVA_LONG, 64, 1L))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ro.segment().fill((byte) 1)).isInstanceOf(IllegalArgumentException.class);
            MemorySegment roView = ro.map(arena, 60, 12);
            assertThat(roView.isReadOnly()).isTrue();
            assertThat(roView.get(ValueLayout.JAVA_LONG_UNALIGNED, 4)).isEqualTo(99L);
            assertThatThrownBy(() -> roView.set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(rw.segment().get(ValueLayout.JAVA_LONG, 64)).as("no write reached memory").isEqualTo(99L);
        }
    }

    // ------------------------------------------------------------------ unlink, exists, info, list

    @Test
    void existsInfoAndListDescribeALiveRegion() throws Exception {
        String name = names.next();
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (SharedMemory shm = SharedMemory.create(name, 12288)) {
            assertThat(SharedMemory.exists(name)).isTrue();
            RegionInfo info = SharedMemory.info(name);
            assertThat(info.name()).isEqualTo(name);
            assertThat(info.path()).isEqualTo("/dev/shm/" + name);
            assertThat(info.size()).isEqualTo(12288);
            assertThat(info.mode()).isEqualTo(0600);
            assertThat(info.owner()).isEqualTo(Files.getOwner(ShmFiles.path(name), LinkOption.NOFOLLOW_LINKS).getName());
            assertThat(info.modified()).isBetween(before, Instant.now().plusSeconds(1));
            assertThat(info.lifetime()).isEqualTo(Lifetime.UNTIL_LAST_CLOSE);
            assertThat(info.complete()).isTrue();
            assertThat(info.stale()).isFalse();
            assertThat(info.holders()).containsExactly(PID);

            try (SharedMemory second = SharedMemory.open(name)) {
                assertThat(SharedMemory.info(name).holders()).as("one pid however many handles").containsExactly(PID);
            }

            List<RegionInfo> all = SharedMemory.list();
            assertThat(all).extracting(RegionInfo::name).contains(name).isSorted();
            RegionInfo listed = all.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
            assertThat(listed.holders()).contains(PID);
            assertThat(listed.size()).isEqualTo(12288);
            assertThat(listed.stale()).isFalse();
        }
        assertThat(SharedMemory.exists(name)).isFalse();
        assertThat(SharedMemory.list()).extracting(RegionInfo::name).doesNotContain(name);
        assertThatThrownBy(() -> SharedMemory.info(name))
                .isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining(name);
    }

    @Test
    void unlinkRemovesTheNameWhileOpenHandlesKeepTheirMemory() {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.segment().set(ValueLayout.JAVA_INT, 0, 123);
            assertThat(SharedMemory.unlink(name)).isTrue();
            assertThat(SharedMemory.exists(name)).isFalse();
            assertThat(ShmFiles.present(name)).isFalse();
            assertThatThrownBy(() -> SharedMemory.open(name)).isInstanceOf(NoSuchRegionException.class);
            assertThat(SharedMemory.unlink(name)).as("nothing left to unlink").isFalse();
            // the handle still works on the unlinked object
            shm.segment().set(ValueLayout.JAVA_INT, 4, 456);
            assertThat(shm.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(123);

            // a new region under the same name is another object, untouched by the old handle's close
            try (SharedMemory fresh = SharedMemory.create(name, 100)) {
                assertThat(fresh.segment().get(ValueLayout.JAVA_INT, 0)).isZero();
                shm.close();
                assertThat(SharedMemory.exists(name)).as("closing the old handle must not remove the new region").isTrue();
            }
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ close

    @Test
    void useAfterCloseThrowsIllegalStateExceptionAndCloseIsIdempotent() {
        String name = names.next();
        SharedMemory shm = SharedMemory.create(name, 4096);
        MemorySegment segment = shm.segment();
        shm.close();
        assertThat(shm.isOpen()).isFalse();
        assertThat(shm.toString()).contains("closed");
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> shm.segment().fill((byte) 0)).isInstanceOf(IllegalStateException.class);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> shm.map(arena, 0, 10))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(name);
        }
        shm.close();
        shm.close();
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void concurrentClosesCloseOnce() throws Exception {
        String name = names.next();
        SharedMemory shm = SharedMemory.create(name, 4096);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> closes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                closes.add(pool.submit(() -> {
                    start.await();
                    shm.close();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : closes) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shm.isOpen()).isFalse();
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ lifetimes

    @Test
    void persistentRegionStaysAfterCloseUntilUnlink() {
        String name = names.next();
        SharedMemoryOptions persistent = SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT);
        try (SharedMemory shm = SharedMemory.create(name, 4096, persistent)) {
            assertThat(shm.lifetime()).isEqualTo(Lifetime.PERSISTENT);
            shm.segment().set(ValueLayout.JAVA_LONG, 8, 77L);
        }
        try {
            assertThat(SharedMemory.exists(name)).isTrue();
            RegionInfo info = SharedMemory.info(name);
            assertThat(info.lifetime()).isEqualTo(Lifetime.PERSISTENT);
            assertThat(info.holders()).isEmpty();
            assertThat(info.stale()).as("a persistent region without holders is not stale").isFalse();
            try (SharedMemory again = SharedMemory.open(name)) {
                assertThat(again.lifetime()).isEqualTo(Lifetime.PERSISTENT);
                assertThat(again.segment().get(ValueLayout.JAVA_LONG, 8)).isEqualTo(77L);
            }
            assertThat(SharedMemory.exists(name)).isTrue();
        } finally {
            assertThat(SharedMemory.unlink(name)).isTrue();
        }
        assertThat(SharedMemory.exists(name)).isFalse();
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ file-backed regions

    @Test
    void fileBackedRegionKeepsItsDataAcrossCloseAndReopen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("region.bin");
        try (SharedMemory shm = SharedMemory.create(file, 10_000)) {
            assertThat(shm.created()).isTrue();
            assertThat(shm.lifetime()).as("file-backed regions are persistent by default").isEqualTo(Lifetime.PERSISTENT);
            assertThat(shm.name()).isEqualTo(file.toString());
            RegionChild.writeString(shm.segment(), 9000, "survives");
        }
        assertThat(Files.size(file)).isEqualTo(10_000);
        try (SharedMemory shm = SharedMemory.open(file)) {
            assertThat(shm.created()).isFalse();
            assertThat(shm.size()).isEqualTo(10_000);
            assertThat(RegionChild.readString(shm.segment(), 9000)).isEqualTo("survives");
        }
        try (SharedMemory ro = SharedMemory.open(file, Access.READ_ONLY)) {
            assertThat(ro.segment().isReadOnly()).isTrue();
            assertThat(RegionChild.readString(ro.segment(), 9000)).isEqualTo("survives");
        }
        try (SharedMemory again = SharedMemory.openOrCreate(file, 5000)) {
            assertThat(again.created()).isFalse();
            assertThat(again.size()).isEqualTo(10_000);
        }
        assertThatThrownBy(() -> SharedMemory.create(file, 10))
                .isInstanceOf(RegionExistsException.class)
                .hasMessageContaining(file.toString());
        assertThat(Files.size(file)).as("a refused create leaves the file alone").isEqualTo(10_000);
        try (SharedMemory shm = SharedMemory.open(file)) {
            assertThat(RegionChild.readString(shm.segment(), 9000)).isEqualTo("survives");
        }

        Path missing = dir.resolve("missing.bin");
        assertThatThrownBy(() -> SharedMemory.open(missing))
                .isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining(missing.toString());
        try (SharedMemory created = SharedMemory.openOrCreate(missing, 300)) {
            assertThat(created.created()).isTrue();
        }
        assertThat(Files.size(missing)).isEqualTo(300);
    }

    @Test
    void fileBackedRegionUntilLastCloseDeletesItsFile(@TempDir Path dir) {
        Path file = dir.resolve("scratch.bin");
        SharedMemoryOptions options = SharedMemoryOptions.defaults().withLifetime(Lifetime.UNTIL_LAST_CLOSE);
        try (SharedMemory shm = SharedMemory.create(file, 4096, options)) {
            assertThat(shm.lifetime()).isEqualTo(Lifetime.UNTIL_LAST_CLOSE);
            try (SharedMemory other = SharedMemory.open(file)) {
                other.segment().set(ValueLayout.JAVA_INT, 0, 5);
            }
            assertThat(file).as("still held by the first handle").exists();
            assertThat(shm.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(5);
        }
        assertThat(file).doesNotExist();
    }

    // ------------------------------------------------------------------ options

    @Test
    void prefaultPopulatesTheMappingAndTheDefaultDoesNot() {
        long size = 4L << 20;
        String populated = names.next();
        String lazy = names.next();
        try (SharedMemory a = SharedMemory.create(populated, size, SharedMemoryOptions.defaults().withPrefault(true));
             SharedMemory b = SharedMemory.create(lazy, size)) {
            long residentA = ShmFiles.residentKilobytes(a.segment().address());
            long residentB = ShmFiles.residentKilobytes(b.segment().address());
            assertThat(residentA * 1024).as("resident bytes of a prefaulted mapping").isGreaterThanOrEqualTo(size);
            assertThat(residentB * 1024).as("resident bytes of an untouched lazy mapping").isLessThan(size / 2);
            a.segment().set(ValueLayout.JAVA_LONG, size - 8, 1L);
            try (SharedMemory reopened = SharedMemory.open(populated, SharedMemoryOptions.defaults().withPrefault(true))) {
                assertThat(ShmFiles.residentKilobytes(reopened.segment().address()) * 1024).isGreaterThanOrEqualTo(size);
                assertThat(reopened.segment().get(ValueLayout.JAVA_LONG, size - 8)).isEqualTo(1L);
            }
        }
    }

    @Test
    void defaultModeIs0600WithTheLifetimeMarkerAndWithModeIsExact() {
        String defaults = names.next();
        String group = names.next();
        String wide = names.next();
        String persistent = names.next();
        try (SharedMemory a = SharedMemory.create(defaults, 4096);
             SharedMemory b = SharedMemory.create(group, 4096, SharedMemoryOptions.defaults().withMode(0640));
             SharedMemory c = SharedMemory.create(wide, 4096, SharedMemoryOptions.defaults().withMode(0666));
             SharedMemory d = SharedMemory.create(persistent, 4096,
                     SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT))) {
            assertThat(permissions(defaults)).isEqualTo("rw-------");
            assertThat(permissions(group)).isEqualTo("rw-r-----");
            assertThat(permissions(wide)).as("the umask does not narrow an asked mode").isEqualTo("rw-rw-rw-");
            // the lifetime marker: the sticky bit on until-last-close regions only
            assertThat(ShmFiles.mode(ShmFiles.path(defaults))).isEqualTo(01600);
            assertThat(ShmFiles.mode(ShmFiles.path(group))).isEqualTo(01640);
            assertThat(ShmFiles.mode(ShmFiles.path(persistent))).isEqualTo(0600);
            assertThat(SharedMemory.info(group).mode()).isEqualTo(0640);
        } finally {
            SharedMemory.unlink(persistent);
        }
    }

    @Test
    void defaultModeIs0600EvenUnderAPermissiveUmask() throws Exception {
        String name = names.next();
        try (ChildJvm child = ChildJvm.startWithUmask("000", RegionChild.class, "umaskCreate", name)) {
            assertThat(child.nextLine(Duration.ofSeconds(20))).as("the child's umask lets plain files be 0666")
                    .isEqualTo("UMASK_FILE rw-rw-rw-");
            child.await("HELD created=true", Duration.ofSeconds(20));
            assertThat(permissions(name)).isEqualTo("rw-------");
            child.send("close");
            child.await("CLOSED", Duration.ofSeconds(20));
            assertThat(child.waitFor(Duration.ofSeconds(20))).isZero();
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private static String permissions(String name) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(ShmFiles.path(name), LinkOption.NOFOLLOW_LINKS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long firstNonZero(MemorySegment segment) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return i;
            }
        }
        return -1;
    }
}
