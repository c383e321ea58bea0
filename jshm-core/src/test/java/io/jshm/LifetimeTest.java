package io.jshm;

import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lifetime protocol across real processes: last close wins in any process, {@code kill -9}
 * of every user leaves a stale region that the next open removes, persistent regions outlive
 * everyone, and half-made regions are waited for and then reported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // regions and children are held open by try blocks that do not name them
class LifetimeTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(LifetimeTest.class);

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long PID = ProcessHandle.current().pid();

    // ------------------------------------------------------------------ last close

    @Test
    void parentClosesFirstAndTheChildsCloseRemovesTheRegion() throws Exception {
        String name = names.next();
        SharedMemory shm = SharedMemory.create(name, 4096);
        try (ChildJvm child = ChildJvm.start(RegionChild.class, "open", name)) {
            try {
                child.await("HELD created=false", WAIT);
            } finally {
                shm.close();
            }
            assertThat(SharedMemory.exists(name)).as("the child still holds it").isTrue();
            assertThat(SharedMemory.info(name).holders()).containsExactly(child.pid());
            child.send("close");
            child.await("CLOSED", WAIT);
            assertThat(child.waitFor(WAIT)).isZero();
        }
        assertThat(SharedMemory.exists(name)).isFalse();
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void childClosesFirstAndTheParentsCloseRemovesTheRegion() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             ChildJvm child = ChildJvm.start(RegionChild.class, "open", name)) {
            child.await("HELD created=false", WAIT);
            assertThat(SharedMemory.info(name).holders()).containsExactlyInAnyOrder(PID, child.pid());
            child.send("close");
            child.await("CLOSED", WAIT);
            assertThat(child.waitFor(WAIT)).isZero();
            assertThat(SharedMemory.exists(name)).as("the parent still holds it").isTrue();
            assertThat(SharedMemory.info(name).holders()).containsExactly(PID);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void twoHandlesInOneProcessAreTwoUsers() {
        String name = names.next();
        SharedMemory first = SharedMemory.create(name, 4096);
        SharedMemory second = SharedMemory.open(name);
        first.close();
        assertThat(SharedMemory.exists(name)).as("the second handle still holds it").isTrue();
        second.segment().set(ValueLayout.JAVA_INT, 0, 1);
        try (SharedMemory third = SharedMemory.open(name)) {
            assertThat(third.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(1);
            second.close();
            assertThat(SharedMemory.exists(name)).as("the third handle still holds it").isTrue();
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ races of the protocol

    /** Closers that all release at once: one of them must still find itself last (DESIGN.md: unlock, then try). */
    @Test
    void simultaneousLastClosesAlwaysRemoveTheRegion() throws Exception {
        int handles = 4;
        ExecutorService pool = Executors.newFixedThreadPool(handles);
        try {
            for (int round = 0; round < 500; round++) {
                String name = names.next();
                List<SharedMemory> open = new ArrayList<>();
                open.add(SharedMemory.create(name, 4096));
                for (int i = 1; i < handles; i++) {
                    open.add(SharedMemory.open(name));
                }
                CyclicBarrier together = new CyclicBarrier(handles);
                List<Future<?>> closes = new ArrayList<>();
                for (SharedMemory shm : open) {
                    closes.add(pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        shm.close();
                        return null;
                    }));
                }
                for (Future<?> f : closes) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(ShmFiles.present(name)).as("round %d: left behind by %d simultaneous closes", round, handles)
                        .isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** An open that races the last close either gets the region (and its close removes it) or finds none. */
    @Test
    void anOpenRacingTheLastCloseNeverLeavesTheRegionBehind() throws Exception {
        int rounds = 1000; // the windows are narrow: many rounds to hit them
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int opened = 0;
            for (int round = 0; round < rounds; round++) {
                String name = names.next();
                SharedMemory last = SharedMemory.create(name, 4096);
                CyclicBarrier together = new CyclicBarrier(2);
                Future<?> close = pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    last.close();
                    return null;
                });
                Future<Boolean> open = pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    try (SharedMemory shm = SharedMemory.open(name)) {
                        shm.segment().get(ValueLayout.JAVA_BYTE, 0);
                        // an open that succeeds holds a region that still has its name, not one just unlinked
                        assertThat(ShmFiles.present(name)).isTrue();
                        return true;
                    } catch (NoSuchRegionException gone) {
                        return false;
                    }
                });
                close.get(10, TimeUnit.SECONDS);
                opened += open.get(10, TimeUnit.SECONDS) ? 1 : 0;
                assertThat(ShmFiles.present(name)).as("round %d", round).isFalse();
            }
            System.out.println("LifetimeTest: the racing open got the region in " + opened + " of " + rounds + " rounds");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Openers that find the same stale region at once: it is removed once, and exactly one of them creates anew. */
    @Test
    void concurrentOpenOrCreateOverAStaleRegionCreatesExactlyOnce() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 30; round++) {
                String name = names.next();
                makeStale(name);
                CyclicBarrier start = new CyclicBarrier(threads);
                CyclicBarrier allHeld = new CyclicBarrier(threads);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try (SharedMemory shm = SharedMemory.openOrCreate(name, 4096)) {
                            assertThat(shm.segment().get(ValueLayout.JAVA_LONG, 0)).as("fresh bytes").isZero();
                            allHeld.await(10, TimeUnit.SECONDS);
                            return shm.created();
                        }
                    }));
                }
                int created = 0;
                for (Future<Boolean> f : results) {
                    created += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(created).as("round %d", round).isEqualTo(1);
                assertThat(ShmFiles.present(name)).as("round %d", round).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ kill -9

    @Test
    void whenEveryUserIsKilledTheRegionIsStaleAndTheNextOpenRemovesIt() throws Exception {
        String name = names.next();
        // the parent never holds it: one child creates, another opens, both are killed
        try (ChildJvm creator = ChildJvm.start(RegionChild.class, "create", name, "8192")) {
            creator.await("HELD created=true", WAIT);
            try (ChildJvm opener = ChildJvm.start(RegionChild.class, "open", name)) {
                opener.await("HELD created=false", WAIT);
                assertThat(SharedMemory.info(name).holders()).containsExactlyInAnyOrder(creator.pid(), opener.pid());
                creator.kill9();
                assertThat(SharedMemory.exists(name)).as("one user is left").isTrue();
                opener.kill9();
            }
        }
        assertStaleButPresent(name);

        assertThatThrownBy(() -> SharedMemory.open(name))
                .isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("stale");
        assertThat(ShmFiles.present(name)).as("the open removed the stale region").isFalse();
        assertThatThrownBy(() -> SharedMemory.open(name))
                .isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining("ENOENT");
    }

    @Test
    void createSucceedsOverAStaleRegionLeftByKilledUsers() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             ChildJvm child = ChildJvm.start(RegionChild.class, "open", name)) {
            shm.segment().set(ValueLayout.JAVA_LONG, 0, -1L);
            child.await("HELD created=false", WAIT);
            shm.close(); // the parent closed its handle; only the child holds the region now
            assertThat(SharedMemory.exists(name)).isTrue();
            child.kill9();
        }
        assertStaleButPresent(name);

        try (SharedMemory fresh = SharedMemory.create(name, 100)) {
            assertThat(fresh.created()).isTrue();
            assertThat(fresh.size()).as("a new region, not the stale one").isEqualTo(100);
            assertThat(fresh.segment().get(ValueLayout.JAVA_LONG, 0)).isZero();
            assertThat(SharedMemory.info(name).stale()).isFalse();
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void openOrCreateCreatesOverAStaleRegion() throws Exception {
        String name = names.next();
        try (ChildJvm child = ChildJvm.start(RegionChild.class, "create", name, "4096")) {
            child.await("HELD created=true", WAIT);
            child.kill9();
        }
        assertStaleButPresent(name);
        try (SharedMemory shm = SharedMemory.openOrCreate(name, 4096)) {
            assertThat(shm.created()).as("a stale leftover does not count as existing").isTrue();
            assertThat(RegionChild.readString(shm.segment(), 0)).as("fresh bytes").isEmpty();
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void aPersistentRegionSurvivesItsUsersBeingKilledUntilUnlink() throws Exception {
        String name = names.next();
        try {
            try (ChildJvm child = ChildJvm.start(RegionChild.class, "create", name, "4096", "persistent")) {
                child.await("HELD created=true", WAIT);
                child.kill9();
            }
            assertThat(SharedMemory.exists(name)).isTrue();
            RegionInfo info = SharedMemory.info(name);
            assertThat(info.lifetime()).isEqualTo(Lifetime.PERSISTENT);
            assertThat(info.holders()).isEmpty();
            assertThat(info.stale()).isFalse();
            for (int i = 0; i < 2; i++) {
                try (SharedMemory shm = SharedMemory.open(name)) {
                    assertThat(shm.lifetime()).isEqualTo(Lifetime.PERSISTENT);
                    assertThat(RegionChild.readString(shm.segment(), 0)).isEqualTo(RegionChild.CHILD_MARK);
                }
                assertThat(SharedMemory.exists(name)).as("still there after close %d", i).isTrue();
            }
        } finally {
            assertThat(SharedMemory.unlink(name)).isTrue();
        }
        assertThat(SharedMemory.exists(name)).isFalse();
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ half-made regions

    /**
     * A creator that died between {@code shm_open} and its final {@code fchmod} leaves an object
     * with mode 0000 that nobody holds. {@code open} waits for it up to the open timeout, then
     * removes the remains and reports the region as missing.
     */
    @Test
    void aHalfMadeRegionWhoseCreatorDiedIsWaitedForThenRemoved() throws Exception {
        String name = names.next();
        makeHalfMade(name);
        RegionInfo info = SharedMemory.info(name);
        assertThat(info.complete()).isFalse();
        assertThat(info.stale()).as("not called stale while it may still be being made").isFalse();
        assertThat(info.holders()).isEmpty();

        Duration timeout = Duration.ofMillis(200);
        long start = System.nanoTime();
        assertThatThrownBy(() -> SharedMemory.open(name, SharedMemoryOptions.defaults().withOpenTimeout(timeout)))
                .isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("creator died before finishing it");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("waited for the open timeout").isGreaterThanOrEqualTo(timeout);
        assertThat(waited).as("and not much longer").isLessThan(timeout.plusSeconds(1));
        assertThat(ShmFiles.present(name)).as("the remains are removed").isFalse();
    }

    @Test
    void createSucceedsOverAHalfMadeRegionWhoseCreatorDied() throws Exception {
        String name = names.next();
        makeHalfMade(name);
        Duration timeout = Duration.ofMillis(200);
        long start = System.nanoTime();
        try (SharedMemory shm = SharedMemory.create(name, 4096, SharedMemoryOptions.defaults().withOpenTimeout(timeout))) {
            assertThat(shm.created()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
            assertThat(SharedMemory.info(name).complete()).isTrue();
            assertThat(ShmFiles.mode(ShmFiles.path(name))).isEqualTo(01600);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    /**
     * A region whose creator is alive but has not finished (still mode 0000 while it holds it):
     * {@code open} gives up after its timeout with {@link RegionTimeoutException}, as its Javadoc
     * says, and leaves the region to its creator.
     */
    @Test
    void aRegionStillBeingMadeByALiveCreatorTimesOutTheOpen() throws Exception {
        String name = names.next();
        try (SharedMemory creator = SharedMemory.create(name, 4096)) {
            // the creator "has not finished yet": its final mode is not set
            Files.setPosixFilePermissions(ShmFiles.path(name), Set.of());
            assertThat(SharedMemory.info(name).complete()).isFalse();
            Duration timeout = Duration.ofMillis(200);
            long start = System.nanoTime();
            assertThatThrownBy(() -> SharedMemory.open(name, SharedMemoryOptions.defaults().withOpenTimeout(timeout)))
                    .isInstanceOf(RegionTimeoutException.class)
                    .hasMessageContaining(name);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plusSeconds(1));
            assertThat(ShmFiles.present(name)).as("left to its live creator").isTrue();
            Files.setPosixFilePermissions(ShmFiles.path(name), Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE));
            try (SharedMemory late = SharedMemory.open(name)) {
                assertThat(late.size()).isEqualTo(4096);
            }
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertStaleButPresent(String name) {
        assertThat(ShmFiles.present(name)).as("nobody has removed it yet").isTrue();
        assertThat(SharedMemory.exists(name)).as("a stale region does not exist for exists()").isFalse();
        RegionInfo info = SharedMemory.info(name);
        assertThat(info.stale()).isTrue();
        assertThat(info.holders()).isEmpty();
        assertThat(info.complete()).isTrue();
        assertThat(info.lifetime()).isEqualTo(Lifetime.UNTIL_LAST_CLOSE);
        assertThat(SharedMemory.list()).filteredOn(r -> r.name().equals(name)).singleElement()
                .satisfies(r -> assertThat(r.stale()).isTrue());
        assertThat(ShmFiles.present(name)).as("looking did not remove it").isTrue();
    }

    /**
     * What users that all died leave behind: a complete until-last-close region (mode 0600 and the
     * sticky bit) that nobody holds, with non-zero bytes in it.
     */
    private static void makeStale(String name) throws Exception {
        Path path = ShmFiles.path(name);
        Files.write(path, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, StandardOpenOption.CREATE_NEW);
        Process chmod = new ProcessBuilder("chmod", "1600", path.toString()).redirectErrorStream(true).start();
        assertThat(chmod.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(chmod.exitValue()).as(new String(chmod.getInputStream().readAllBytes())).isZero();
        assertThat(ShmFiles.mode(path)).isEqualTo(01600);
        assertThat(SharedMemory.info(name).stale()).isTrue();
    }

    /** What a creator that died right after {@code shm_open(O_CREAT | O_EXCL, 0)} leaves behind. */
    private static void makeHalfMade(String name) throws Exception {
        Path path = Files.createFile(ShmFiles.path(name));
        Files.setPosixFilePermissions(path, Set.of());
        assertThat(ShmFiles.mode(path)).isZero();
    }
}
