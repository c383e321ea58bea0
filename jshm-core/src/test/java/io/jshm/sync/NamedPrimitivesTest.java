package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The named conveniences ({@code openOrCreate(name)}): a primitive in a region of its own, shared
 * by name between processes, gone with its last close.
 */
class NamedPrimitivesTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(NamedPrimitivesTest.class);

    private static final int ITERATIONS = 10_000;
    private static final long COUNTER_AT = 128;

    @Test
    @Timeout(60)
    void aNamedMutexSerialisesTwoProcessesAndGoesWithTheLastClose() throws Exception {
        String data = names.next();
        String lock = names.next();
        try (SharedMemory shm = SharedMemory.create(data, 4096)) {
            MemorySegment region = shm.segment();
            try (Children children = new Children()) {
                ChildJvm child = children.launch("named-mutex-count", data, lock, Long.toString(COUNTER_AT),
                        Integer.toString(ITERATIONS));
                child.await("READY", Waits.STARTUP);
                try (SharedMutex mutex = SharedMutex.openOrCreate(lock)) {
                    assertThat(SharedMemory.exists(lock)).isTrue();
                    child.send("GO");
                    for (int i = 0; i < ITERATIONS; i++) {
                        mutex.lock();
                        try {
                            SyncChild.incrementPlainly(region, COUNTER_AT);
                        } finally {
                            mutex.unlock();
                        }
                    }
                    child.await("DONE", Duration.ofSeconds(40));
                    assertThat(child.waitFor(Duration.ofSeconds(10))).isZero();

                    assertThat(region.get(ValueLayout.JAVA_LONG, COUNTER_AT)).isEqualTo(2L * ITERATIONS);
                    assertThat(SharedMemory.exists(lock)).as("the child closed, this JVM still holds it").isTrue();
                    assertThat(mutex.tryLock()).isEqualTo(LockResult.ACQUIRED);
                    mutex.unlock();
                }
                assertThat(SharedMemory.exists(lock)).as("gone with the last close").isFalse();
                assertThat(Files.exists(Path.of("/dev/shm", lock))).isFalse();
            }
        }
    }

    @Test
    @Timeout(60)
    void aNamedMutexWhoseHolderWasKilledIsRecoveredAndStillGoesWithTheLastClose() throws Exception {
        String data = names.next();
        String lock = names.next();
        try (SharedMemory shm = SharedMemory.create(data, 4096);
             Children children = new Children()) {
            ChildJvm child = children.launch("named-mutex-hold", shm.name(), lock);
            child.await("LOCKED ACQUIRED", Waits.STARTUP);
            try (SharedMutex mutex = SharedMutex.openOrCreate(lock)) {
                assertThat(mutex.ownerPid()).hasValue(child.pid());
                child.kill9();

                assertThat(mutex.tryLock(Duration.ofSeconds(5))).isEqualTo(LockResult.OWNER_DIED);
                assertThat(mutex.recoveries()).isEqualTo(1);
                mutex.unlock();
                assertThat(SharedMemory.exists(lock)).isTrue();
            }
            assertThat(SharedMemory.exists(lock)).as("gone with the last close, though a user was killed").isFalse();
        }
    }

    @Test
    @Timeout(30)
    void namedPrimitivesOpenedTwiceShareTheirState() throws Exception {
        String semName = names.next();
        String eventName = names.next();
        String seqName = names.next();
        try (SharedSemaphore first = SharedSemaphore.openOrCreate(semName, 2);
             SharedSemaphore second = SharedSemaphore.openOrCreate(semName, 5)) {
            assertThat(second.availablePermits()).as("an existing semaphore keeps its count").isEqualTo(2);
            assertThat(first.tryAcquire()).isTrue();
            assertThat(second.availablePermits()).isEqualTo(1);
            second.release(3);
            assertThat(first.availablePermits()).isEqualTo(4);
        }
        try (SharedEvent first = SharedEvent.openOrCreate(eventName, SharedEvent.Reset.AUTO);
             SharedEvent second = SharedEvent.openOrCreate(eventName, SharedEvent.Reset.MANUAL)) {
            assertThat(second.resetKind()).as("an existing event keeps its kind").isEqualTo(SharedEvent.Reset.AUTO);
            first.set();
            assertThat(second.await(Duration.ofSeconds(5))).isTrue();
            assertThat(first.isSet()).isFalse();
        }
        try (SeqLock writer = SeqLock.openOrCreate(seqName, 16);
             SeqLock reader = SeqLock.openOrCreate(seqName, 16);
             Arena arena = Arena.ofConfined()) {
            writer.write(p -> {
                p.set(ValueLayout.JAVA_LONG, 0, 7);
                p.set(ValueLayout.JAVA_LONG, 8, ~7L);
            });
            MemorySegment copy = arena.allocate(16, 8);
            reader.read(copy);
            assertThat(copy.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(7);
            assertThat(copy.get(ValueLayout.JAVA_LONG, 8)).isEqualTo(~7L);
            assertThat(reader.sequence()).isEqualTo(2);
        }
        assertThat(SharedMemory.exists(semName)).isFalse();
        assertThat(SharedMemory.exists(eventName)).isFalse();
        assertThat(SharedMemory.exists(seqName)).isFalse();
    }
}
