package io.jshm.reliability;

import io.jshm.CorruptRegionException;
import io.jshm.RegionTruncatedException;
import io.jshm.SharedMemory;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.sync.SeqLock;
import io.jshm.sync.SharedEvent;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SharedSemaphore;
import io.jshm.testing.ChildGroup;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Another process shrinks a region ({@code truncate -s}, which calls {@code ftruncate}) while jshm
 * has it mapped.
 * <ul>
 *   <li>Raw segments: reads, writes, volatile reads, CAS, get-and-add, bulk copies both ways and
 *       fill on a lost page throw the JDK's {@link InternalError} ("a fault occurred in an unsafe
 *       memory access operation"), interpreted ({@code -Xint}) and compiled by C2 (checked with
 *       {@code -XX:+PrintCompilation}); the JVM keeps running, the surviving page and another
 *       region still work. Each runs in a child JVM.</li>
 *   <li>jshm's own structures turn the fault into {@link RegionTruncatedException}: queue poll and
 *       offer, mutex lock, semaphore acquire and release, event set and await, seqlock write and
 *       read. Reopening the truncated queue or named primitive is
 *       refused as corrupt (its size disagrees with its header).</li>
 * </ul>
 */
@SuppressWarnings("try")
@Timeout(60)
class TruncationTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(TruncationTest.class);

    static final class Children extends ChildGroup {
        Children() {
            super(TruncationChild.class);
        }
    }

    private static final Duration RUN = Duration.ofSeconds(20);

    @BeforeAll
    static void needsTruncate() {
        assumeTrue(ExternalProcess.available("truncate", "--version"), "coreutils truncate is not installed: skipped");
    }

    /** Shrinks the object from another process, as a hostile or buggy peer would. */
    static void truncate(String name, long size) throws InterruptedException {
        ExternalProcess.Result r = ExternalProcess.run(RUN, List.of("truncate", "-s", Long.toString(size),
                ShmFiles.path(name).toString()));
        assertThat(r.code()).as("truncate: %s", r.output()).isZero();
    }

    /** Every access but a CAS with no read before it, which the interpreter cannot survive. */
    private static final List<TruncationChild.Kind> SAFE_WHEN_INTERPRETED = Arrays.stream(TruncationChild.Kind.values())
            .filter(k -> k != TruncationChild.Kind.PURE_CAS).toList();

    @Test
    void rawAccessesToLostPagesThrowInternalErrorWhenInterpreted() throws Exception {
        List<String> lines = runChild(List.of("-Xint"), SAFE_WHEN_INTERPRETED);
        assertEveryAccessFaulted(lines, SAFE_WHEN_INTERPRETED);
    }

    @Test
    void rawAccessesToLostPagesThrowInternalErrorWhenCompiledByC2() throws Exception {
        List<TruncationChild.Kind> all = List.of(TruncationChild.Kind.values());
        List<String> lines = runChild(List.of("-XX:-TieredCompilation", "-Xbatch", "-XX:+PrintCompilation"), all);
        assertEveryAccessFaulted(lines, all);
        for (String method : List.of("read", "write", "readVolatile", "cas", "pureCas", "getAndAdd", "copyOut", "copyIn",
                "fill")) {
            assertThat(lines).as("C2 compiled TruncationChild::%s before the truncation", method)
                    .anyMatch(l -> l.contains("TruncationChild::" + method + " "));
        }
    }

    /**
     * The JDK's limit, documented in {@link SharedMemory}: HotSpot 25 runs an interpreted
     * {@code compareAndSet} in unguarded VM code, so one on a lost page kills the JVM with SIGBUS.
     * jshm's own CASes read the word first (which throws {@link InternalError} instead). If this
     * test fails because the child survives, the JDK has fixed it: update SharedMemory's Javadoc
     * and docs/reliability.md.
     */
    @Test
    void anInterpretedCasWithNoReadBeforeItOnALostPageCrashesTheJvm(@TempDir Path dir) throws Exception {
        String name = names.next();
        String other = names.next();
        Path errorFile = dir.resolve("hs_err.log");
        try (Children children = new Children()) {
            ChildJvm child = children.launchWith(List.of("-Xint", "-XX:ErrorFile=" + errorFile,
                    "-XX:-CreateCoredumpOnCrash"), name, other, "PURE_CAS");
            child.await("WARM", Waits.STARTUP);
            truncate(name, 4096);
            child.send("go");
            int status = child.waitFor(RUN);
            assertThat(status).as("exit status of the crashed child; %s", child.diagnostics()).isNotZero();
            assertThat(Files.readString(errorFile)).contains("SIGBUS").contains("Unsafe_CompareAndSetLong");
        } finally {
            SharedMemory.unlink(name); // the crashed child could not close them (they are stale; this is quicker)
            SharedMemory.unlink(other);
        }
    }

    private List<String> runChild(List<String> jvmOptions, List<TruncationChild.Kind> kinds) throws Exception {
        String name = names.next();
        try (Children children = new Children()) {
            ChildJvm child = children.launchWith(jvmOptions, name, names.next(),
                    String.join(",", kinds.stream().map(Enum::name).toList()));
            List<String> lines = new ArrayList<>();
            for (String line = child.nextLine(Waits.STARTUP); !line.equals("WARM"); line = child.nextLine(Waits.STARTUP)) {
                lines.add(line);
            }
            truncate(name, 4096);
            child.send("go");
            for (String line = child.nextLine(RUN); !line.equals("ALIVE"); line = child.nextLine(RUN)) {
                assertThat(line).as("child output").isNotEqualTo("BROKEN");
                lines.add(line);
            }
            Waits.awaitSuccess(child, RUN);
            return lines;
        }
    }

    private static void assertEveryAccessFaulted(List<String> lines, List<TruncationChild.Kind> kinds) {
        for (TruncationChild.Kind kind : kinds) {
            assertThat(lines).as("access %s on a lost page", kind)
                    .contains("FAULT " + kind + " java.lang.InternalError: a fault occurred in an unsafe memory access operation");
        }
    }

    @Test
    void aQueueWhoseRegionShrankThrowsRegionTruncatedAndCannotBeReopened() throws Exception {
        String name = names.next();
        try (SharedQueue queue = SharedQueue.create(name, 64 * 1024, QueueType.SPSC)) {
            byte[] message = new byte[100];
            for (int i = 0; i < 100; i++) {
                assertThat(queue.offer(message)).isTrue(); // 100 records of 112 bytes: past the first page
            }
            truncate(name, 4096);
            assertThatThrownBy(() -> queue.poll((type, buffer, offset, length) -> { }, 1000))
                    .isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("queue '" + name + "': poll failed")
                    .hasMessageContaining("truncated by another process")
                    .hasMessageContaining("4096 bytes now");
            assertThatThrownBy(() -> queue.offer(message)).isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("offer failed");
            assertThatThrownBy(() -> SharedQueue.open(name)).isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining(name);
        }
        assertThat(ShmFiles.present(name)).as("the last close removes the truncated region").isFalse();
        assertOtherRegionsWork();
    }

    @Test
    void everySyncPrimitiveOnALostPageThrowsRegionTruncated() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 3 * 4096)) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 4096);
            SharedSemaphore semaphore = SharedSemaphore.initialize(shm.segment(), 8192, 2);
            SharedEvent event = SharedEvent.initialize(shm.segment(), 8192 + 64, SharedEvent.Reset.AUTO);
            SeqLock seqLock = SeqLock.initialize(shm.segment(), 8192 + 128, 16);
            assertThat(semaphore.tryAcquire()).isTrue();
            truncate(name, 4096);
            assertThatThrownBy(mutex::lock).isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("mutex lock failed").hasMessageContaining("truncated by another process");
            assertThatThrownBy(mutex::tryLock).isInstanceOf(RegionTruncatedException.class);
            assertThatThrownBy(semaphore::tryAcquire).isInstanceOf(RegionTruncatedException.class)
                    .hasMessageContaining("semaphore tryAcquire failed");
            assertThatThrownBy(semaphore::release).isInstanceOf(RegionTruncatedException.class);
            assertThatThrownBy(event::set).isInstanceOf(RegionTruncatedException.class).hasMessageContaining("event set");
            assertThatThrownBy(() -> event.await(Duration.ofMillis(10))).isInstanceOf(RegionTruncatedException.class);
            assertThatThrownBy(() -> seqLock.write(MemorySegment.ofArray(new byte[16])))
                    .isInstanceOf(RegionTruncatedException.class).hasMessageContaining("seqlock write");
            assertThatThrownBy(() -> seqLock.read(MemorySegment.ofArray(new byte[16])))
                    .isInstanceOf(RegionTruncatedException.class);
            assertThat(shm.segment().get(ValueLayout.JAVA_LONG, 0)).as("the first page is still there").isZero();
        }
        assertOtherRegionsWork();
    }

    @Test
    void aNamedMutexWhoseRegionShrankBelowItIsRefusedOnOpen() throws Exception {
        String name = names.next();
        try (SharedMutex held = SharedMutex.openOrCreate(name)) {
            truncate(name, 16);
            assertThatThrownBy(() -> SharedMutex.openOrCreate(name)).isInstanceOf(CorruptRegionException.class)
                    .hasMessageContaining(name);
        }
    }

    private static void assertOtherRegionsWork() {
        try (SharedMemory fresh = SharedMemory.create(names.next(), 4096)) {
            MemorySegment seg = fresh.segment();
            seg.set(ValueLayout.JAVA_LONG, 4088, 42);
            assertThat(seg.get(ValueLayout.JAVA_LONG, 4088)).isEqualTo(42);
        }
    }
}
