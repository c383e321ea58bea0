package io.jshm.reliability;

import io.jshm.SharedMemory;
import io.jshm.queue.SharedQueue;
import io.jshm.queue.WaitStrategy;
import io.jshm.sync.LockResult;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SharedSemaphore;
import io.jshm.testing.ChildSide;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * One of {@link LoadTest}'s processes: after {@code go}, for the given time, it picks at random
 * among a mutex-guarded increment, a semaphore-guarded critical section and an MPSC send, then
 * prints {@code DONE mutex=M semaphore=S sent=N violations=V}.
 *
 * <pre>
 * LoadChild REGION QUEUE CHILD_ID MILLIS SEED
 * </pre>
 *
 * <h2>The region</h2>
 * 0: {@link SharedMutex}; 64: {@link SharedSemaphore} of {@link #PERMITS} permits; {@link #COUNTER}:
 * long guarded by the mutex; {@link #INSIDE}: int, holders of the mutex now (must stay 0 or 1);
 * {@link #HOLDERS}: int, holders of semaphore permits now (must stay at most {@link #PERMITS}).
 * Queue messages are 16 bytes: child id and sequence number, both longs.
 */
public final class LoadChild {

    static final long REGION_SIZE = 4096;
    static final long MUTEX = 0;
    static final long SEMAPHORE = 64;
    static final int PERMITS = 3;
    static final long COUNTER = 128;
    static final long INSIDE = 192;
    static final long HOLDERS = 256;
    private static final Duration HANG = Duration.ofSeconds(10);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private LoadChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildSide.start(Duration.ofMinutes(5));
        long id = Long.parseLong(args[2]);
        long millis = Long.parseLong(args[3]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[4]));
        try (SharedMemory shm = SharedMemory.open(args[0]); SharedQueue queue = SharedQueue.open(args[1])) {
            MemorySegment seg = shm.segment();
            SharedMutex mutex = SharedMutex.attach(seg, MUTEX);
            SharedSemaphore semaphore = SharedSemaphore.attach(seg, SEMAPHORE);
            ChildSide.say("READY");
            ChildSide.command("go");
            long mutexOps = 0;
            long semaphoreOps = 0;
            long sent = 0;
            long violations = 0;
            long[] message = new long[2];
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() - end < 0) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        if (mutex.tryLock(HANG) != LockResult.ACQUIRED) {
                            fail("mutex not acquired within " + HANG);
                        }
                        if ((int) INT.getAndAdd(seg, INSIDE, 1) != 0) {
                            violations++;
                        }
                        seg.set(ValueLayout.JAVA_LONG, COUNTER, seg.get(ValueLayout.JAVA_LONG, COUNTER) + 1);
                        INT.getAndAdd(seg, INSIDE, -1);
                        mutex.unlock();
                        mutexOps++;
                    }
                    case 1 -> {
                        if (!semaphore.tryAcquire(HANG)) {
                            fail("no semaphore permit within " + HANG);
                        }
                        if ((int) INT.getAndAdd(seg, HOLDERS, 1) >= PERMITS) {
                            violations++;
                        }
                        Thread.onSpinWait();
                        INT.getAndAdd(seg, HOLDERS, -1);
                        semaphore.release();
                        semaphoreOps++;
                    }
                    default -> {
                        message[0] = id;
                        message[1] = sent;
                        if (!queue.send(1, MemorySegment.ofArray(message), WaitStrategy.PARK, HANG)) {
                            fail("queue send not done within " + HANG);
                        }
                        sent++;
                    }
                }
            }
            ChildSide.say("DONE mutex=" + mutexOps + " semaphore=" + semaphoreOps + " sent=" + sent
                    + " violations=" + violations);
        }
    }

    private static void fail(String why) {
        ChildSide.say("HANG " + why);
        System.exit(6);
    }
}
