package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.OtherThread;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ownership of a {@link SharedMutex} is per thread: only the owner unlocks, and it is not reentrant. */
class MutexOwnershipTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MutexOwnershipTest.class);

    private static final long PID = ProcessHandle.current().pid();

    @Test
    @Timeout(30)
    void unlockByAnotherThreadThrowsIllegalMonitorStateException() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            assertThatThrownBy(mutex::unlock).as("unlock of a free mutex")
                    .isInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining("owner: none");

            assertThat(mutex.lock()).isEqualTo(LockResult.ACQUIRED);
            Throwable thrown = OtherThread.run(() -> {
                assertThat(mutex.isHeldByCurrentThread()).isFalse();
                assertThat(mutex.tryLock()).as("another thread of the owner's process").isEqualTo(LockResult.NOT_ACQUIRED);
                mutex.unlock();
                return null;
            }).thrown();
            assertThat(thrown).isInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining("does not hold it")
                    .hasMessageContaining("pid " + PID);

            assertThat(mutex.isHeldByCurrentThread()).as("still held by its owner").isTrue();
            assertThat(mutex.ownerPid()).hasValue(PID);
            mutex.unlock();
            assertThat(mutex.ownerPid()).isEmpty();
            assertThatThrownBy(mutex::unlock).as("a second unlock").isInstanceOf(IllegalMonitorStateException.class);
        }
    }

    @Test
    @Timeout(60)
    void unlockByAnotherProcessThrowsIllegalMonitorStateException() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            assertThat(mutex.lock()).isEqualTo(LockResult.ACQUIRED);
            try (Children children = new Children()) {
                ChildJvm child = children.launch("mutex-unlock", name, "0");
                assertThat(child.nextLine(Waits.STARTUP)).isEqualTo("THREW java.lang.IllegalMonitorStateException");
                assertThat(child.waitFor(Duration.ofSeconds(10))).isZero();
            }
            assertThat(mutex.isHeldByCurrentThread()).isTrue();
            assertThat(mutex.isOwnerDead()).isFalse();
            mutex.unlock();
        }
    }

    @Test
    @Timeout(30)
    void lockingAgainFromTheOwningThreadThrowsIllegalStateException() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            assertThat(mutex.lock()).isEqualTo(LockResult.ACQUIRED);

            assertThatThrownBy(mutex::lock).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not reentrant");
            assertThatThrownBy(mutex::tryLock).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not reentrant");
            assertThatThrownBy(() -> mutex.tryLock(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not reentrant");

            // The failed attempts changed nothing: one unlock frees it.
            assertThat(mutex.isHeldByCurrentThread()).isTrue();
            assertThat(Atomics.getIntVolatile(shm.segment(), SharedMutex.WAITERS)).isZero();
            mutex.unlock();
            assertThat(mutex.ownerPid()).isEmpty();
            assertThat(OtherThread.run(() -> {
                assertThat(mutex.tryLock()).isEqualTo(LockResult.ACQUIRED);
                mutex.unlock();
                return null;
            }).thrown()).isNull();
        }
    }
}
