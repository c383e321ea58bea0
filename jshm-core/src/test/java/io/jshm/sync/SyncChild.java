package io.jshm.sync;

import io.jshm.testing.ChildSide;
import io.jshm.SharedMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static io.jshm.testing.ChildSide.command;
import static io.jshm.testing.ChildSide.say;

/**
 * The child process of the sync tests: one {@code main} with a mode per role, chosen by the first
 * argument. Every mode opens the test's region by name, reports on stdout one line per step (the
 * test waits for them), and exits when its work is done.
 *
 * <p>A child never outlives its test: a daemon thread reads stdin, which the test JVM holds open,
 * and ends the process when it reaches end of file (the test JVM died); and every child halts
 * after {@link #MAX_LIFETIME} whatever happens.
 */
public final class SyncChild {

    /** The longest any child lives; far above any test's own timeout. */
    static final Duration MAX_LIFETIME = Duration.ofSeconds(90);

    private SyncChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildSide.start(MAX_LIFETIME);
        String mode = args[0];
        try (SharedMemory shm = SharedMemory.open(args[1])) {
            MemorySegment region = shm.segment();
            switch (mode) {
                case "mutex-count" -> mutexCount(region, arg(args, 2), arg(args, 3), (int) arg(args, 4));
                case "sem-count" -> semaphoreCount(region, arg(args, 2), arg(args, 3), (int) arg(args, 4));
                case "atomics-add" -> atomicsAdd(region, arg(args, 2), (int) arg(args, 3));
                case "mutex-hold" -> mutexHold(region, arg(args, 2));
                case "mutex-lock" -> mutexLock(region, arg(args, 2), arg(args, 3));
                case "mutex-unlock" -> mutexUnlock(region, arg(args, 2));
                case "event-wait" -> eventWait(region, arg(args, 2));
                case "seq-write" -> seqWrite(region, arg(args, 2), arg(args, 3));
                case "seq-read" -> seqRead(region, arg(args, 2), arg(args, 3));
                case "named-mutex-count" -> namedMutexCount(region, args[2], arg(args, 3), (int) arg(args, 4));
                case "named-mutex-hold" -> namedMutexHold(args[2]);
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
        say("EXIT");
    }

    // ------------------------------------------------------------------ modes

    /** Adds 1 to a plain long {@code iterations} times, under the mutex, after GO. */
    private static void mutexCount(MemorySegment region, long mutexAt, long counterAt, int iterations)
            throws InterruptedException {
        SharedMutex mutex = SharedMutex.attach(region, mutexAt);
        readyThenGo();
        for (int i = 0; i < iterations; i++) {
            LockResult result = mutex.lock();
            if (result != LockResult.ACQUIRED) {
                say("UNEXPECTED " + result);
            }
            try {
                incrementPlainly(region, counterAt);
            } finally {
                mutex.unlock();
            }
        }
        say("DONE");
    }

    /** As {@link #mutexCount}, with a one-permit semaphore as the lock. */
    private static void semaphoreCount(MemorySegment region, long semaphoreAt, long counterAt, int iterations)
            throws InterruptedException {
        SharedSemaphore semaphore = SharedSemaphore.attach(region, semaphoreAt);
        readyThenGo();
        for (int i = 0; i < iterations; i++) {
            semaphore.acquire();
            try {
                incrementPlainly(region, counterAt);
            } finally {
                semaphore.release();
            }
        }
        say("DONE");
    }

    /** Adds 1 to the long at {@code at} and 1 to the int at {@code at + 8}, atomically, after GO. */
    private static void atomicsAdd(MemorySegment region, long at, int iterations) throws InterruptedException {
        readyThenGo();
        for (int i = 0; i < iterations; i++) {
            Atomics.getAndAddLong(region, at, 1L);
            Atomics.getAndAddInt(region, at + 8, 1);
        }
        say("DONE");
    }

    /** Locks the mutex and holds it until told UNLOCK (or killed). */
    private static void mutexHold(MemorySegment region, long mutexAt) throws InterruptedException {
        SharedMutex mutex = SharedMutex.attach(region, mutexAt);
        say("LOCKED " + mutex.lock());
        command("UNLOCK");
        mutex.unlock();
        say("UNLOCKED");
    }

    /** Waits for the mutex (at most {@code timeoutMillis}), reports the result, then unlocks. */
    private static void mutexLock(MemorySegment region, long mutexAt, long timeoutMillis) throws InterruptedException {
        SharedMutex mutex = SharedMutex.attach(region, mutexAt);
        say("READY");
        LockResult result = mutex.tryLock(Duration.ofMillis(timeoutMillis));
        say("RESULT " + result + " " + mutex.recoveries());
        if (result.acquired()) {
            mutex.unlock();
            say("UNLOCKED");
        }
    }

    /** Tries to unlock a mutex this process does not hold. */
    private static void mutexUnlock(MemorySegment region, long mutexAt) {
        SharedMutex mutex = SharedMutex.attach(region, mutexAt);
        try {
            mutex.unlock();
            say("UNLOCKED");
        } catch (RuntimeException e) {
            say("THREW " + e.getClass().getName());
        }
    }

    /** Waits on the event once, with no timeout, and says WOKE. */
    private static void eventWait(MemorySegment region, long eventAt) throws InterruptedException {
        SharedEvent event = SharedEvent.attach(region, eventAt);
        say("READY");
        event.await();
        say("WOKE");
    }

    /**
     * Writes {@link SeqPayload} records back to back, x = 1, 2, 3..., until the long at
     * {@code stopAt} turns non-zero.
     */
    private static void seqWrite(MemorySegment region, long seqLockAt, long stopAt) {
        SeqLock seqLock = SeqLock.attach(region, seqLockAt);
        say("READY");
        long x = 0;
        while (Atomics.getLongAcquire(region, stopAt) == 0) {
            long next = ++x;
            seqLock.write(payload -> SeqPayload.write(payload, next));
            for (int i = 0; i < 16; i++) {
                Thread.onSpinWait();
            }
        }
        say("WROTE " + x);
    }

    /** Reads the seqlock {@code reads} times with each read method; reports reads, changes seen and torn reads. */
    private static void seqRead(MemorySegment region, long seqLockAt, long reads) {
        SeqLock seqLock = SeqLock.attach(region, seqLockAt);
        say("READY");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(seqLock.payloadSize(), 8);
            SeqPayload.Tally tally = new SeqPayload.Tally();
            for (long i = 0; i < reads; i++) {
                seqLock.read(copy);
                tally.check(copy);
                long seq;
                long[] fields = new long[SeqPayload.FIELDS];
                do {
                    seq = seqLock.readBegin();
                    SeqPayload.readFields(seqLock.payload(), fields);
                } while (!seqLock.readValidate(seq));
                tally.check(fields);
            }
            say("READ " + tally.reads() + " " + tally.changes() + " " + tally.torn() + " "
                    + tally.firstTorn().replace(' ', '_'));
        }
    }

    /** Adds 1 to a plain long in this region {@code iterations} times under the named mutex. */
    private static void namedMutexCount(MemorySegment region, String mutexName, long counterAt, int iterations)
            throws InterruptedException {
        try (SharedMutex mutex = SharedMutex.openOrCreate(mutexName)) {
            readyThenGo();
            for (int i = 0; i < iterations; i++) {
                mutex.lock();
                try {
                    incrementPlainly(region, counterAt);
                } finally {
                    mutex.unlock();
                }
            }
        }
        say("DONE");
    }

    /** Opens the named mutex, locks it and holds it until killed (or told UNLOCK). */
    private static void namedMutexHold(String mutexName) throws InterruptedException {
        try (SharedMutex mutex = SharedMutex.openOrCreate(mutexName)) {
            say("LOCKED " + mutex.lock());
            command("UNLOCK");
            mutex.unlock();
        }
        say("UNLOCKED");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The read-modify-write that a lock must serialise: a plain load, then a plain store, with a
     * short pause between them to widen the window another process could slip into.
     */
    static void incrementPlainly(MemorySegment region, long at) {
        long value = region.get(ValueLayout.JAVA_LONG, at);
        Thread.onSpinWait();
        region.set(ValueLayout.JAVA_LONG, at, value + 1);
    }

    private static long arg(String[] args, int index) {
        return Long.parseLong(args[index]);
    }

    private static void readyThenGo() throws InterruptedException {
        say("READY");
        command("GO");
    }
}
