package io.jshm.sync;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM takes the mutex and is killed with {@code kill -9} while it holds it: the next
 * locker, in this JVM or in another child, gets the lock with {@link LockResult#OWNER_DIED}
 * within a bounded time, and nobody hangs.
 */
class MutexOwnerDiedTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(MutexOwnerDiedTest.class);

    /** How soon after the owner's death a waiter must have the lock. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(5);

    @Test
    @Timeout(60)
    void tryLockReportsOwnerDiedForAKilledHolder() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            ChildJvm holder = children.launch("mutex-hold", name, "0");
            holder.await("LOCKED ACQUIRED", Waits.STARTUP);

            assertThat(mutex.ownerPid()).hasValue(holder.pid());
            assertThat(mutex.isOwnerDead()).isFalse();
            assertThat(mutex.isHeldByCurrentThread()).isFalse();
            assertThat(mutex.tryLock()).isEqualTo(LockResult.NOT_ACQUIRED);

            holder.kill9();

            assertThat(mutex.isOwnerDead()).isTrue();
            assertThat(mutex.ownerPid()).hasValue(holder.pid());
            assertThat(mutex.recoveries()).isZero();
            assertThat(mutex.tryLock()).isEqualTo(LockResult.OWNER_DIED);
            assertThat(mutex.recoveries()).isEqualTo(1);
            assertThat(mutex.isHeldByCurrentThread()).isTrue();
            assertThat(mutex.ownerPid()).hasValue(ProcessHandle.current().pid());
            assertThat(mutex.isOwnerDead()).isFalse();
            mutex.unlock();

            assertThat(mutex.ownerPid()).isEmpty();
            assertThat(mutex.isOwnerDead()).isFalse();
            assertThat(mutex.tryLock()).as("the recovery is reported once").isEqualTo(LockResult.ACQUIRED);
            mutex.unlock();
            assertThat(mutex.recoveries()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(60)
    void threadWaitingInLockGetsOwnerDiedWhenTheHolderIsKilled() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            ChildJvm holder = children.launch("mutex-hold", name, "0");
            holder.await("LOCKED ACQUIRED", Waits.STARTUP);

            CompletableFuture<LockResult> waiter = lockUnlockInAnotherThread(mutex);
            awaitSleepers(shm.segment(), 1);
            assertThat(waiter).isNotDone();

            long killed = System.nanoTime();
            holder.kill9();
            LockResult result = waiter.get(RECOVERY_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            long millis = Waits.millisSince(killed);

            assertThat(result).isEqualTo(LockResult.OWNER_DIED);
            assertThat(millis).isLessThan(RECOVERY_BOUND.toMillis());
            assertThat(mutex.recoveries()).isEqualTo(1);
            assertThat(mutex.ownerPid()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void childWaitingInLockGetsOwnerDiedWhenTheHolderIsKilled() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            ChildJvm holder = children.launch("mutex-hold", name, "0");
            holder.await("LOCKED ACQUIRED", Waits.STARTUP);
            ChildJvm waiter = children.launch("mutex-lock", name, "0", "30000");
            waiter.await("READY", Waits.STARTUP);
            awaitSleepers(shm.segment(), 1);

            long killed = System.nanoTime();
            holder.kill9();
            String result = waiter.nextLine(RECOVERY_BOUND);
            long millis = Waits.millisSince(killed);

            assertThat(result).isEqualTo("RESULT OWNER_DIED 1");
            assertThat(millis).isLessThan(RECOVERY_BOUND.toMillis());
            waiter.await("UNLOCKED", Duration.ofSeconds(5));
            assertThat(waiter.waitFor(Duration.ofSeconds(10))).isZero();
            assertThat(mutex.recoveries()).isEqualTo(1);
            assertThat(mutex.ownerPid()).isEmpty();
            assertThat(mutex.tryLock()).isEqualTo(LockResult.ACQUIRED);
            mutex.unlock();
        }
    }

    /**
     * The holder dies while a thread of this JVM and another child both wait: exactly one of them
     * recovers the lock (OWNER_DIED), the other then gets it normally (ACQUIRED), and the
     * recovery count is 1.
     */
    @Test
    @Timeout(60)
    void exactlyOneOfTwoWaitingProcessesRecoversTheLock() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            ChildJvm holder = children.launch("mutex-hold", name, "0");
            holder.await("LOCKED ACQUIRED", Waits.STARTUP);
            ChildJvm child = children.launch("mutex-lock", name, "0", "30000");
            child.await("READY", Waits.STARTUP);
            CompletableFuture<LockResult> thread = lockUnlockInAnotherThread(mutex);
            awaitSleepers(shm.segment(), 2);

            holder.kill9();
            String childResult = child.nextLine(RECOVERY_BOUND.multipliedBy(2));
            LockResult threadResult = thread.get(RECOVERY_BOUND.toMillis() * 2, TimeUnit.MILLISECONDS);
            child.await("UNLOCKED", Duration.ofSeconds(5));
            assertThat(child.waitFor(Duration.ofSeconds(10))).isZero();

            List<String> results = new ArrayList<>();
            results.add(childResult.split(" ")[1]);
            results.add(threadResult.name());
            assertThat(results).containsExactlyInAnyOrder("OWNER_DIED", "ACQUIRED");
            assertThat(mutex.recoveries()).isEqualTo(1);
            assertThat(mutex.ownerPid()).isEmpty();
        }
    }

    /** Locks in a new thread (which waits as long as it takes), records the result, unlocks. */
    private static CompletableFuture<LockResult> lockUnlockInAnotherThread(SharedMutex mutex) {
        CompletableFuture<LockResult> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                LockResult r = mutex.lock();
                try {
                    if (!mutex.isHeldByCurrentThread() || mutex.ownerPid().orElse(-1) != ProcessHandle.current().pid()) {
                        throw new AssertionError("lock() returned " + r + " but the thread does not hold it: " + mutex);
                    }
                } finally {
                    mutex.unlock();
                }
                result.complete(r);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "mutex-waiter");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Waits until {@code count} lockers sleep (or are about to) on the mutex at offset 0. */
    static void awaitSleepers(MemorySegment region, int count) throws InterruptedException {
        Waits.awaitCondition(count + " lockers wait on the mutex", Duration.ofSeconds(20),
                () -> Atomics.getIntVolatile(region, SharedMutex.WAITERS) == count,
                () -> "(waiters: " + Atomics.getIntVolatile(region, SharedMutex.WAITERS) + ", owner: "
                        + Long.toHexString(Atomics.getLongVolatile(region, SharedMutex.OWNER)) + ")");
    }
}
