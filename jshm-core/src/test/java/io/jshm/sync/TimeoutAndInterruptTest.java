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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Timed waits return when their timeout runs out, not before and not much after; a thread
 * blocked in lock, acquire or await leaves promptly with {@link InterruptedException} when
 * interrupted, and leaves the primitive usable.
 */
class TimeoutAndInterruptTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(TimeoutAndInterruptTest.class);

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** Generous: the machine may be loaded; what matters is that the wait ends. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private static final long MUTEX_AT = 0;
    private static final long SEMAPHORE_AT = 128;
    private static final long EVENT_AT = 256;

    @Test
    @Timeout(60)
    void mutexTryLockTimesOutAgainstALiveHolderInAnotherProcess() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Children children = new Children()) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), MUTEX_AT);
            ChildJvm holder = children.launch("mutex-hold", name, Long.toString(MUTEX_AT));
            holder.await("LOCKED ACQUIRED", Waits.STARTUP);

            long start = System.nanoTime();
            LockResult result = mutex.tryLock(TIMEOUT);
            assertThat(result).isEqualTo(LockResult.NOT_ACQUIRED);
            assertTookAboutTheTimeout(start);

            start = System.nanoTime();
            assertThat(mutex.tryLock(Duration.ZERO)).isEqualTo(LockResult.NOT_ACQUIRED);
            assertThat(mutex.tryLock(Duration.ofMillis(-5))).isEqualTo(LockResult.NOT_ACQUIRED);
            assertThat(Waits.millisSince(start)).isLessThan(SLACK.toMillis());
            assertThat(mutex.ownerPid()).hasValue(holder.pid());

            // Once the holder lets go, a timed lock gets it.
            holder.send("UNLOCK");
            assertThat(mutex.tryLock(Duration.ofSeconds(20))).isEqualTo(LockResult.ACQUIRED);
            mutex.unlock();
            holder.await("UNLOCKED", Duration.ofSeconds(5));
            assertThat(Atomics.getIntVolatile(shm.segment(), MUTEX_AT + SharedMutex.WAITERS)).isZero();
        }
    }

    @Test
    @Timeout(30)
    void semaphoreTryAcquireTimesOutWithoutPermits() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            SharedSemaphore semaphore = SharedSemaphore.initialize(shm.segment(), SEMAPHORE_AT, 0);

            long start = System.nanoTime();
            assertThat(semaphore.tryAcquire(TIMEOUT)).isFalse();
            assertTookAboutTheTimeout(start);
            assertThat(semaphore.tryAcquire(Duration.ZERO)).isFalse();
            assertThat(semaphore.availablePermits()).isZero();
            assertThat(Atomics.getIntVolatile(shm.segment(), SEMAPHORE_AT + SharedSemaphore.WAITERS)).isZero();

            semaphore.release();
            assertThat(semaphore.tryAcquire(TIMEOUT)).isTrue();
            assertThat(semaphore.availablePermits()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void eventAwaitTimesOutWhenNotSet() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            for (SharedEvent.Reset kind : SharedEvent.Reset.values()) {
                SharedEvent event = SharedEvent.initialize(shm.segment(), EVENT_AT, kind);

                long start = System.nanoTime();
                assertThat(event.await(TIMEOUT)).as("%s", kind).isFalse();
                assertTookAboutTheTimeout(start);
                assertThat(event.await(Duration.ZERO)).isFalse();
                assertThat(Atomics.getIntVolatile(shm.segment(), EVENT_AT + SharedEvent.WAITERS)).isZero();

                event.set();
                assertThat(event.await(TIMEOUT)).isTrue();
                assertThat(event.isSet()).as("%s after a waiter passed", kind).isEqualTo(kind == SharedEvent.Reset.MANUAL);
            }
        }
    }

    @Test
    @Timeout(30)
    void interruptingAThreadBlockedInLockThrowsInterruptedException() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            MemorySegment region = shm.segment();
            SharedMutex mutex = SharedMutex.initialize(region, MUTEX_AT);
            assertThat(mutex.lock()).isEqualTo(LockResult.ACQUIRED);
            try {
                Blocked blocked = Blocked.start(() -> mutex.lock());
                blocked.awaitSleeping(region, MUTEX_AT + SharedMutex.WAITERS);
                blocked.interruptAndExpectInterruptedException();
                assertThat(Atomics.getIntVolatile(region, MUTEX_AT + SharedMutex.WAITERS)).isZero();
            } finally {
                mutex.unlock();
            }
            // Still usable, and free: the interrupted thread did not take it.
            assertThat(mutex.ownerPid()).isEmpty();
            assertThat(mutex.tryLock()).isEqualTo(LockResult.ACQUIRED);
            mutex.unlock();

            // A timed lock is interruptible too.
            mutex.lock();
            try {
                Blocked timed = Blocked.start(() -> mutex.tryLock(Duration.ofSeconds(30)));
                timed.awaitSleeping(region, MUTEX_AT + SharedMutex.WAITERS);
                timed.interruptAndExpectInterruptedException();
            } finally {
                mutex.unlock();
            }
        }
    }

    @Test
    @Timeout(30)
    void interruptingAThreadBlockedInAcquireThrowsInterruptedException() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            MemorySegment region = shm.segment();
            SharedSemaphore semaphore = SharedSemaphore.initialize(region, SEMAPHORE_AT, 0);

            Blocked blocked = Blocked.start(() -> {
                semaphore.acquire();
                return null;
            });
            blocked.awaitSleeping(region, SEMAPHORE_AT + SharedSemaphore.WAITERS);
            blocked.interruptAndExpectInterruptedException();

            assertThat(Atomics.getIntVolatile(region, SEMAPHORE_AT + SharedSemaphore.WAITERS)).isZero();
            assertThat(semaphore.availablePermits()).isZero();
            semaphore.release();
            assertThat(semaphore.tryAcquire()).isTrue();
        }
    }

    @Test
    @Timeout(30)
    void interruptingAThreadBlockedInAwaitThrowsInterruptedException() throws Exception {
        try (SharedMemory shm = SharedMemory.create(names.next(), 4096)) {
            MemorySegment region = shm.segment();
            for (SharedEvent.Reset kind : SharedEvent.Reset.values()) {
                SharedEvent event = SharedEvent.initialize(region, EVENT_AT, kind);

                Blocked blocked = Blocked.start(() -> {
                    event.await();
                    return null;
                });
                blocked.awaitSleeping(region, EVENT_AT + SharedEvent.WAITERS);
                blocked.interruptAndExpectInterruptedException();

                assertThat(Atomics.getIntVolatile(region, EVENT_AT + SharedEvent.WAITERS)).isZero();
                assertThat(event.isSet()).isFalse();
            }
        }
    }

    private static void assertTookAboutTheTimeout(long startNanos) {
        long millis = Waits.millisSince(startNanos);
        assertThat(millis).as("elapsed ms of a %s ms timeout", TIMEOUT.toMillis())
                .isGreaterThanOrEqualTo(TIMEOUT.toMillis())
                .isLessThan(TIMEOUT.plus(SLACK).toMillis());
    }

    /** A call that blocks, run in a thread of its own. */
    private static final class Blocked {
        private final Thread thread;
        private final CompletableFuture<Object> outcome = new CompletableFuture<>();

        private Blocked(Call call) {
            thread = new Thread(() -> {
                try {
                    outcome.complete(call.run());
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            }, "blocked-waiter");
            thread.setDaemon(true);
        }

        static Blocked start(Call call) {
            Blocked b = new Blocked(call);
            b.thread.start();
            return b;
        }

        /** Waits until the thread has counted itself among the sleepers of the waiters word at {@code at}. */
        void awaitSleeping(MemorySegment region, long at) throws InterruptedException {
            Waits.awaitCondition("the thread sleeps", Duration.ofSeconds(10),
                    () -> Atomics.getIntVolatile(region, at) == 1);
            assertThat(outcome).as("still blocked").isNotDone();
        }

        void interruptAndExpectInterruptedException() throws InterruptedException {
            long start = System.nanoTime();
            thread.interrupt();
            try {
                Object value = outcome.get(SLACK.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("the interrupted call returned " + value + " instead of throwing");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the interrupted thread did not leave within " + SLACK, e);
            }
            assertThat(Waits.millisSince(start)).as("ms to notice the interrupt").isLessThan(SLACK.toMillis());
            thread.join(SLACK.toMillis());
            assertThat(thread.isAlive()).isFalse();
        }
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Exception;
    }
}
