package io.jshm.internal.os;

import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Platform} must do, whatever the OS: one suite, run against each backend by a
 * subclass ({@code LinuxPlatformContractTest}; {@code WindowsPlatformContractTest} through the
 * fake kernel32 on Linux; {@code NativeWindowsPlatformContractTest} on real Windows). Where the platforms differ by design (a persistent named region, removing a
 * name), the subclass says which behaviour it has and the suite checks that one.
 */
@SuppressWarnings("try") // resources held open for their scope; closes that may be interrupted
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class PlatformContract {

    static final long TIMEOUT = TimeUnit.SECONDS.toNanos(2);

    /** {@return the backend under test} */
    abstract Platform platform();

    /** {@return the region names of the subclass} */
    abstract RegionNames names();

    /** {@return whether named regions may be {@code PERSISTENT} (and removed by name)} */
    abstract boolean persistentNamedRegions();

    /** A region handle with the views mapped through it, all unmapped and closed together. */
    final class Held implements AutoCloseable {
        final NativeRegion region;
        private final List<long[]> mappings = new ArrayList<>();

        Held(NativeRegion region) {
            this.region = region;
        }

        MemorySegment map(long offset, long length) {
            long address = region.map(offset, length, false);
            mappings.add(new long[] {address, length});
            return MemorySegment.ofAddress(address).reinterpret(length);
        }

        /** Closes the handle but leaves its views mapped (they are unmapped by {@link #unmapAll}). */
        void closeHandleOnly() {
            region.close();
        }

        void unmapAll() {
            for (long[] m : mappings) {
                region.unmap(m[0], m[1]);
            }
            mappings.clear();
        }

        @Override
        public void close() {
            unmapAll();
            region.close();
        }
    }

    /** One platform thread per waiter: a waiter blocks its thread in a system call. */
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "contract-waiter");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    Held create(String name, long size) {
        return new Held(platform().create(new Target.Named(name), size, 0600, true, TIMEOUT));
    }

    Held open(String name, boolean readOnly) {
        return new Held(platform().open(new Target.Named(name), readOnly, TIMEOUT));
    }

    // ---------------------------------------------------------------- create, open, stat

    @Test
    void createThenOpenShareTheBytesAndTheExactSize() {
        String name = names().next();
        try (Held creator = create(name, 10_000); Held opener = open(name, false)) {
            assertThat(creator.region.size()).isEqualTo(10_000);
            assertThat(opener.region.size()).isEqualTo(10_000);
            assertThat(opener.region.untilLastClose()).isTrue();
            assertThat(opener.region.readOnly()).isFalse();
            MemorySegment a = creator.map(0, 10_000);
            MemorySegment b = opener.map(0, 10_000);
            a.set(JAVA_LONG, 9_992, 0x1122_3344_5566_7788L);
            b.set(JAVA_INT, 0, 0xCAFE);
            assertThat(b.get(JAVA_LONG, 9_992)).isEqualTo(0x1122_3344_5566_7788L);
            assertThat(a.get(JAVA_INT, 0)).isEqualTo(0xCAFE);
        }
    }

    @Test
    void aNewRegionIsZeroed() {
        String name = names().next();
        try (Held r = create(name, 70_000)) {
            MemorySegment all = r.map(0, 70_000);
            for (long i = 0; i < all.byteSize(); i += 997) {
                assertThat(all.get(JAVA_BYTE, i)).as("byte %d", i).isZero();
            }
        }
    }

    @Test
    void createOverAnExistingRegionIsAlreadyExists() {
        String name = names().next();
        try (Held first = create(name, 4096)) {
            assertThatThrownBy(() -> create(name, 4096))
                    .isInstanceOfSatisfying(OsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
                        assertThat(e.getMessage()).contains(name);
                    });
            assertThat(first.region.size()).isEqualTo(4096); // the first handle is untouched
        }
    }

    @Test
    void openOfAMissingRegionIsNotFound() {
        String name = names().next();
        assertThatThrownBy(() -> open(name, false))
                .isInstanceOfSatisfying(OsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains(name);
                });
        assertThat(platform().stat(new Target.Named(name))).isEmpty();
    }

    @Test
    void statTellsSizeAndLifetimeWithoutKeepingTheRegion() {
        String name = names().next();
        try (Held r = create(name, 5_000)) {
            RegionStat st = platform().stat(new Target.Named(name)).orElseThrow();
            assertThat(st.size()).isEqualTo(5_000);
            assertThat(st.untilLastClose()).isTrue();
            assertThat(st.complete()).isTrue();
            assertThat(st.stale()).isFalse();
        }
        assertThat(platform().stat(new Target.Named(name))).isEmpty();
    }

    @Test
    void theLongestNameWorks() {
        String prefix = names().next();
        String name = prefix + "x".repeat(platform().maxNameLength() - prefix.length());
        try (Held r = create(name, 100); Held o = open(name, true)) {
            assertThat(o.region.size()).isEqualTo(100);
        }
    }

    // ---------------------------------------------------------------- views

    @Test
    void viewsAtAlignedOffsetsSeeTheSameBytes() {
        long align = platform().mapAlignment();
        assertThat(align).isPositive();
        assertThat(Long.bitCount(align)).as("alignment %d is a power of two", align).isEqualTo(1);
        long size = 3 * align + 104;
        String name = names().next();
        try (Held r = create(name, size); Held o = open(name, false)) {
            MemorySegment whole = r.map(0, size);
            for (long i = 0; i < size; i += 8) {
                whole.set(JAVA_LONG, i, i * 31);
            }
            MemorySegment second = o.map(align, 64);
            MemorySegment tail = o.map(3 * align, 104);
            assertThat(second.get(JAVA_LONG, 8)).isEqualTo((align + 8) * 31);
            assertThat(tail.get(JAVA_LONG, 96)).isEqualTo((3 * align + 96) * 31);
            tail.set(JAVA_BYTE, 103, (byte) 0x5A);
            assertThat(whole.get(JAVA_BYTE, size - 1)).isEqualTo((byte) 0x5A);
        }
    }

    @Test
    void anUnalignedOffsetIsRefused() {
        long align = platform().mapAlignment();
        String name = names().next();
        try (Held r = create(name, 2 * align)) {
            assertThatThrownBy(() -> r.map(align / 2, 100)).isInstanceOf(OsException.class);
        }
    }

    @Test
    void aReadOnlyHandleSeesTheWritersBytes() {
        String name = names().next();
        try (Held writer = create(name, 8192); Held reader = open(name, true)) {
            assertThat(reader.region.readOnly()).isTrue();
            MemorySegment w = writer.map(0, 8192);
            MemorySegment r = reader.map(0, 8192);
            w.set(JAVA_LONG, 4096, 42L);
            assertThat(r.get(JAVA_LONG, 4096)).isEqualTo(42L);
            w.set(JAVA_LONG, 4096, 43L);
            assertThat(r.get(JAVA_LONG, 4096)).isEqualTo(43L);
        }
    }

    // ---------------------------------------------------------------- lifetime and removal

    @Test
    void theRegionLivesUntilItsLastHandleCloses() {
        String name = names().next();
        Held creator = create(name, 4096);
        creator.map(0, 4096).set(JAVA_INT, 0, 7);
        Held other = open(name, false);
        creator.close();
        try (Held third = open(name, false)) {
            assertThat(third.map(0, 4096).get(JAVA_INT, 0)).isEqualTo(7);
        }
        other.close();
        assertThatThrownBy(() -> open(name, false))
                .isInstanceOfSatisfying(OsException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        try (Held fresh = create(name, 4096)) {
            assertThat(fresh.map(0, 4096).get(JAVA_INT, 0)).as("a new region, not the old bytes").isZero();
        }
    }

    @Test
    void viewsOutliveTheirHandleButNotTheName() {
        String name = names().next();
        Held r = create(name, 4096);
        MemorySegment view = r.map(0, 4096);
        view.set(JAVA_INT, 100, 99);
        r.closeHandleOnly();
        try {
            assertThatThrownBy(() -> open(name, false))
                    .isInstanceOfSatisfying(OsException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
            assertThat(view.get(JAVA_INT, 100)).isEqualTo(99);
        } finally {
            r.unmapAll();
        }
    }

    @Test
    void unlinkOfAMissingRegionIsFalse() {
        assertThat(platform().unlink(new Target.Named(names().next()))).isFalse();
    }

    @Test
    void persistentNamedRegionsAreKeptOrRefusedClearly() {
        String name = names().next();
        Target.Named target = new Target.Named(name);
        if (persistentNamedRegions()) {
            platform().create(target, 4096, 0600, false, TIMEOUT).close();
            try (Held again = open(name, false)) {
                assertThat(again.region.untilLastClose()).isFalse();
            } finally {
                assertThat(platform().unlink(target)).isTrue();
            }
            assertThat(platform().stat(target)).isEmpty();
        } else {
            assertThatThrownBy(() -> platform().create(target, 4096, 0600, false, TIMEOUT))
                    .isInstanceOf(OsException.class)
                    .hasMessageContaining("PERSISTENT")
                    .hasMessageContaining("file-backed");
            assertThat(platform().stat(target)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- file-backed regions

    @Test
    void fileBackedRegionsPersistAndReopen(@TempDir Path dir) throws Exception {
        Target.File file = new Target.File(dir.resolve("region.bin"));
        try (Held r = new Held(platform().create(file, 10_000, 0600, false, TIMEOUT))) {
            assertThat(r.region.untilLastClose()).isFalse();
            r.map(0, 10_000).set(JAVA_LONG, 9_000, 1234L);
        }
        assertThat(Files.size(file.path())).isEqualTo(10_000);
        try (Held r = new Held(platform().open(file, true, TIMEOUT))) {
            assertThat(r.region.size()).isEqualTo(10_000);
            assertThat(r.region.readOnly()).isTrue();
            assertThat(r.map(0, 10_000).get(JAVA_LONG, 9_000)).isEqualTo(1234L);
        }
        assertThat(platform().stat(file).orElseThrow().size()).isEqualTo(10_000);
        assertThatThrownBy(() -> platform().create(file, 100, 0600, false, TIMEOUT))
                .isInstanceOfSatisfying(OsException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        assertThat(platform().unlink(file)).isTrue();
        assertThat(file.path()).doesNotExist();
        assertThat(platform().unlink(file)).isFalse();
    }

    @Test
    void fileBackedErrors(@TempDir Path dir) throws Exception {
        Target.File missing = new Target.File(dir.resolve("missing.bin"));
        assertThatThrownBy(() -> platform().open(missing, false, TIMEOUT))
                .isInstanceOfSatisfying(OsException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(platform().stat(missing)).isEmpty();
        Target.File empty = new Target.File(Files.createFile(dir.resolve("empty.bin")));
        assertThatThrownBy(() -> platform().open(empty, false, TIMEOUT))
                .isInstanceOfSatisfying(OsException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SIZE));
    }

    // ---------------------------------------------------------------- waiting

    @Test
    void aWakeThroughOneViewWakesAWaiterOnAnother() throws Exception {
        long align = platform().mapAlignment();
        String name = names().next();
        try (Held a = create(name, 2 * align); Held b = open(name, false)) {
            long waitAt = a.map(align, 256).address() + 128;     // word 128 of the second granule,
            long wakeAt = b.map(0, 2 * align).address() + align + 128; // reached through other views
            CompletableFuture<WaitOutcome> waiter = CompletableFuture.supplyAsync(
                    () -> platform().await(waitAt, 0, TimeUnit.SECONDS.toNanos(20)), threads);
            // The word never changes, so only a wake ends the wait early: wake until it does.
            while (!waiter.isDone()) {
                platform().wake(wakeAt, 1);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertThat(waiter.get()).isEqualTo(WaitOutcome.WOKEN);
        }
    }

    @Test
    void aWakeOfAllWakesEveryWaiter() throws Exception {
        String name = names().next();
        try (Held r = create(name, 4096)) {
            long word = r.map(0, 4096).address() + 64;
            List<CompletableFuture<WaitOutcome>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiters.add(CompletableFuture.supplyAsync(() -> platform().await(word, 0, TimeUnit.SECONDS.toNanos(20)),
                        threads));
            }
            while (!waiters.stream().allMatch(CompletableFuture::isDone)) {
                platform().wake(word, Integer.MAX_VALUE);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            for (CompletableFuture<WaitOutcome> w : waiters) {
                assertThat(w.get()).isEqualTo(WaitOutcome.WOKEN);
            }
        }
    }

    @Test
    void aWaitOnAChangedWordReturnsAtOnceAndAQuietWaitTimesOut() {
        String name = names().next();
        try (Held r = create(name, 4096)) {
            MemorySegment view = r.map(0, 4096);
            long word = view.address() + 8;
            view.set(JAVA_INT, 8, 5);
            assertThat(platform().await(word, 0, TimeUnit.SECONDS.toNanos(20))).isEqualTo(WaitOutcome.VALUE_CHANGED);
            // A wake with nobody waiting is not remembered by the next wait.
            platform().wake(word, 1);
            platform().wake(word, Integer.MAX_VALUE);
            assertThat(platform().await(word, 5, TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(WaitOutcome.TIMED_OUT);
        }
    }

    // ---------------------------------------------------------------- processes

    @Test
    void processLiveness() throws Exception {
        long me = platform().currentPid();
        assertThat(me).isEqualTo(ProcessHandle.current().pid());
        long myStart = platform().processStartTime(me);
        assertThat(myStart).isNotZero().isEqualTo(platform().processStartTime(me));
        assertThat(platform().processStartTime(0)).isZero();
        assertThat(platform().processStartTime(-5)).isZero();
        long pid;
        List<String> sleeper = System.getProperty("os.name").startsWith("Windows")
                ? List.of("ping", "-n", "60", "127.0.0.1") : List.of("sleep", "60");
        try (ExternalProcess child = ExternalProcess.start(sleeper)) {
            pid = child.pid();
            assertThat(platform().processStartTime(pid)).isNotZero();
        } // killed (SIGKILL) and reaped
        Waits.awaitCondition("the killed child is seen as dead", Duration.ofSeconds(10),
                () -> platform().processStartTime(pid) == 0);
    }
}
