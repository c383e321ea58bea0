package io.jshm.internal.os;

import io.jshm.JshmException;
import io.jshm.Lifetime;
import io.jshm.NoSuchRegionException;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.queue.WaitStrategy;
import io.jshm.sync.LockResult;
import io.jshm.sync.SharedEvent;
import io.jshm.sync.SharedMutex;
import io.jshm.testing.ChildSide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A child JVM whose platform is the Windows backend over the fake kernel32 (see
 * {@link WindowsStackTest}): it runs the public API on it and prints one {@code OK} line per part.
 * Each wake-up is checked to have come from a semaphore release in the fake: the sleeper is seen
 * asleep in {@code WaitForSingleObject} before it is woken (the 20 ms slices of
 * {@code io.jshm.internal.Waiting} would otherwise hide a wake that never came).
 *
 * <p>Usage: {@code WindowsStackChild <region name prefix>}.
 */
public final class WindowsStackChild {
    private WindowsStackChild() {
    }

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stack-sleeper");
        t.setDaemon(true);
        return t;
    });

    public static void main(String[] args) throws Throwable {
        ChildSide.start(Duration.ofSeconds(60));
        String prefix = args[0];
        Platform platform = Platform.current();
        check(platform instanceof WindowsPlatform, "the platform is " + platform.getClass().getName());
        ChildSide.say("platform " + platform.getClass().getSimpleName() + " alignment " + platform.mapAlignment());
        regions(prefix);
        event(prefix);
        mutex(prefix);
        queue(prefix);
        check(FakeKernel32.liveObjects() == 0, "handles or views left open: " + FakeKernel32.liveObjects());
        ChildSide.say("DONE");
    }

    private static void regions(String prefix) {
        String name = prefix + "-region";
        try (SharedMemory a = SharedMemory.create(name, 100_000);
             SharedMemory b = SharedMemory.openOrCreate(name, 100_000);
             Arena arena = Arena.ofConfined()) {
            check(a.created() && !b.created(), "openOrCreate over an existing region opens it");
            check(b.size() == 100_000, "exact size, not page-rounded: " + b.size());
            MemorySegment row = b.map(arena, 70_000, 100); // offset 70000: mapped from 65536, sliced
            a.segment().set(JAVA_INT, 70_004, 1234);
            check(row.get(JAVA_INT, 4) == 1234, "a sliced view at an unaligned offset sees the bytes");
        }
        try {
            SharedMemory.open(name).close();
            check(false, "the region outlived its last close");
        } catch (NoSuchRegionException e) {
            ChildSide.say("OK regions; after the last close: " + e.getMessage());
        }
        try {
            SharedMemory.create(name, 100, SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT)).close();
            check(false, "a persistent named region was created");
        } catch (JshmException e) {
            check(e.getMessage().contains("file-backed"), e.getMessage());
            ChildSide.say("OK persistent refused: " + e.getMessage());
        }
    }

    private static void event(String prefix) throws Throwable {
        try (SharedMemory shm = SharedMemory.create(prefix + "-event", 4096);
             SharedMemory peer = SharedMemory.open(prefix + "-event")) {
            SharedEvent event = SharedEvent.initialize(shm.segment(), 64, SharedEvent.Reset.MANUAL);
            SharedEvent other = SharedEvent.attach(peer.segment(), 64); // woken through another view
            wokenBy(() -> event.await(LONG), () -> other.set());
            ChildSide.say("OK event");
        }
    }

    private static void mutex(String prefix) throws Throwable {
        try (SharedMemory shm = SharedMemory.create(prefix + "-mutex", 4096)) {
            SharedMutex mutex = SharedMutex.initialize(shm.segment(), 0);
            check(mutex.lock() == LockResult.ACQUIRED, "first lock");
            AtomicInteger got = new AtomicInteger();
            wokenBy(() -> {
                LockResult r = mutex.tryLock(LONG);
                got.set(r == LockResult.ACQUIRED ? 1 : 0);
                mutex.unlock();
                return r == LockResult.ACQUIRED;
            }, mutex::unlock);
            check(got.get() == 1, "the sleeper acquired the mutex");
            ChildSide.say("OK mutex");
        }
    }

    private static void queue(String prefix) throws Throwable {
        String name = prefix + "-queue";
        try (SharedQueue consumer = SharedQueue.create(name, 16 * 1024, QueueType.SPSC);
             SharedQueue producer = SharedQueue.open(name)) {
            AtomicInteger type = new AtomicInteger();
            wokenBy(() -> consumer.receive((t, buffer, offset, length) -> type.set(t), 1, WaitStrategy.PARK, LONG) == 1,
                    () -> check(producer.offer(77, MemorySegment.ofArray(new byte[] {1, 2, 3})), "offer"));
            check(type.get() == 77, "the message's type: " + type.get());
            ChildSide.say("OK queue");
        }
    }

    interface Sleeper {
        boolean sleep() throws Exception;
    }

    interface Waker {
        void wake() throws Exception;
    }

    /** Runs {@code sleeper} on a thread, waits until it sleeps on a semaphore, wakes it, and checks a release woke it. */
    private static void wokenBy(Sleeper sleeper, Waker waker) throws Throwable {
        int before = FakeKernel32.woken();
        CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
            try {
                return sleeper.sleep();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, THREAD);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (FakeKernel32.sleepers() == 0) {
            check(!done.isDone() && System.nanoTime() < deadline, "the sleeper never slept on a semaphore");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        waker.wake();
        check(done.get(10, TimeUnit.SECONDS), "the sleeper's wait succeeded");
        check(FakeKernel32.woken() > before, "a semaphore release ended the sleep");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            ChildSide.say("FAILED " + what);
            System.exit(1);
        }
    }
}
