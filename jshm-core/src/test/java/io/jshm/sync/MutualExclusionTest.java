package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four child JVMs each add 1 to a plain (non-atomic) long 10,000 times, under a lock in the
 * shared region: without mutual exclusion between the processes, increments would be lost.
 */
class MutualExclusionTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MutualExclusionTest.class);

    private static final int PROCESSES = 4;
    private static final int ITERATIONS = 10_000;
    private static final long LOCK_AT = 0;
    private static final long COUNTER_AT = 128;

    @Test
    @Timeout(60)
    void mutexSerialisesPlainIncrementsOfFourProcesses() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment region = shm.segment();
            SharedMutex mutex = SharedMutex.initialize(region, LOCK_AT);

            runCounters(name, "mutex-count");

            assertThat(region.get(ValueLayout.JAVA_LONG, COUNTER_AT)).isEqualTo((long) PROCESSES * ITERATIONS);
            assertThat(mutex.ownerPid()).isEmpty();
            assertThat(mutex.recoveries()).isZero();
            assertThat(mutex.tryLock()).isEqualTo(LockResult.ACQUIRED);
            mutex.unlock();
        }
    }

    @Test
    @Timeout(60)
    void onePermitSemaphoreSerialisesPlainIncrementsOfFourProcesses() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment region = shm.segment();
            SharedSemaphore semaphore = SharedSemaphore.initialize(region, LOCK_AT, 1);

            runCounters(name, "sem-count");

            assertThat(region.get(ValueLayout.JAVA_LONG, COUNTER_AT)).isEqualTo((long) PROCESSES * ITERATIONS);
            assertThat(semaphore.availablePermits()).isEqualTo(1);
        }
    }

    /** Starts the children, lets them go together once all are ready, and waits for them to finish. */
    private static void runCounters(String region, String mode) throws InterruptedException {
        try (Children children = Children.start(PROCESSES, i -> new String[] {
                mode, region, Long.toString(LOCK_AT), Long.toString(COUNTER_AT), Integer.toString(ITERATIONS)})) {
            children.awaitAll("READY", Waits.STARTUP);
            children.sendAll("GO");
            children.awaitAll("DONE", Duration.ofSeconds(40));
            children.awaitExit(Duration.ofSeconds(10));
            for (var child : children.list()) {
                assertThat(child.diagnostics()).as("child %d", child.pid()).doesNotContain("UNEXPECTED");
            }
        }
    }
}
