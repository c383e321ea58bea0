package io.jshm.reliability;

import io.jshm.SharedMemory;
import io.jshm.queue.MessageClaim;
import io.jshm.queue.SharedQueue;
import io.jshm.queue.WaitStrategy;
import io.jshm.sync.LockResult;
import io.jshm.sync.SharedMutex;
import io.jshm.testing.ChildSide;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The victim of {@link KillLoopTest}: a child JVM that repeats one operation on shared memory as
 * fast as it can, until the test kills it with {@code kill -9}. It prints {@code READY} once the
 * operation has succeeded once, so that the kill falls inside the loop.
 *
 * <pre>
 * create NAME               create a region NAME, write it, close it (which removes it); again
 * open NAME                 open the parent's region NAME, check its mark, close it; again
 * mutex LEDGER              lock the mutex at offset 0 of LEDGER, A++, spin, B++, unlock; again
 * claim QUEUE LEDGER ROUND  claim a record of type ROUND, write (ROUND, seq), spin, commit, then
 *                           publish seq + 1 at {@link #COMMITTED}; again
 * consume QUEUE LEDGER      receive records (seq), spin, log seq at {@link #LOG}; again
 * </pre>
 *
 * <h2>The ledger region</h2>
 * offset 0: a {@link SharedMutex}; 64: long A and 72: long B, which the mutex guards (equal when
 * nobody died inside); {@link #COMMITTED}: long, commits of the current claim round;
 * {@link #LOG_COUNT}: int, entries in the log; {@link #LOG}: int entries, the seqs a consumer handled.
 */
public final class FaultChild {

    static final long LEDGER_SIZE = 64 * 1024;
    static final long A = 64;
    static final long B = 72;
    static final long COMMITTED = 128;
    static final long LOG_COUNT = 192;
    static final long LOG = 256;
    static final long MARK = 0x6a73686d_6d61726bL; // "jshmmark", what the open target holds at 0

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final SplittableRandom RANDOM = new SplittableRandom();

    private FaultChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildSide.start(Duration.ofSeconds(60));
        switch (args[0]) {
            case "create" -> create(args[1]);
            case "open" -> open(args[1]);
            case "mutex" -> mutex(args[1]);
            case "claim" -> claim(args[1], args[2], Integer.parseInt(args[3]));
            case "consume" -> consume(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown fault " + args[0]);
        }
    }

    private static void create(String name) {
        for (long i = 0; ; i++) {
            try (SharedMemory shm = SharedMemory.create(name, 64 * 1024)) {
                shm.segment().set(ValueLayout.JAVA_LONG, 0, i);
            }
            ready(i);
        }
    }

    private static void open(String name) {
        for (long i = 0; ; i++) {
            try (SharedMemory shm = SharedMemory.open(name)) {
                if (shm.segment().get(ValueLayout.JAVA_LONG, 0) != MARK) {
                    ChildSide.say("BAD MARK");
                    System.exit(5);
                }
            }
            ready(i);
        }
    }

    private static void mutex(String ledgerName) throws InterruptedException {
        try (SharedMemory ledger = SharedMemory.open(ledgerName)) {
            MemorySegment seg = ledger.segment();
            SharedMutex mutex = SharedMutex.attach(seg, 0);
            for (long i = 0; ; i++) {
                if (mutex.lock() == LockResult.OWNER_DIED) {
                    seg.set(ValueLayout.JAVA_LONG, B, seg.get(ValueLayout.JAVA_LONG, A)); // repair
                }
                seg.set(ValueLayout.JAVA_LONG, A, seg.get(ValueLayout.JAVA_LONG, A) + 1);
                spin();
                seg.set(ValueLayout.JAVA_LONG, B, seg.get(ValueLayout.JAVA_LONG, B) + 1);
                mutex.unlock();
                ready(i);
            }
        }
    }

    private static void claim(String queueName, String ledgerName, int round) {
        try (SharedQueue queue = SharedQueue.open(queueName); SharedMemory ledger = SharedMemory.open(ledgerName)) {
            MessageClaim claim = new MessageClaim();
            for (long seq = 0; ; ) {
                if (!queue.tryClaim(round, 16, claim)) {
                    Thread.onSpinWait(); // full: the parent consumes
                    continue;
                }
                claim.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, claim.offset(), round);
                spin();
                claim.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, claim.offset() + 8, seq);
                claim.commit();
                seq++;
                LONG.setRelease(ledger.segment(), COMMITTED, seq); // pairs with the test's getAcquire
                ready(seq - 1);
            }
        }
    }

    private static void consume(String queueName, String ledgerName) throws InterruptedException {
        try (SharedQueue queue = SharedQueue.open(queueName); SharedMemory ledger = SharedMemory.open(ledgerName)) {
            MemorySegment log = ledger.segment();
            long[] handled = {0};
            while (true) {
                queue.receive((type, buffer, offset, length) -> {
                    int seq = (int) buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
                    spin();
                    int count = (int) INT.getOpaque(log, LOG_COUNT);
                    log.set(ValueLayout.JAVA_INT, LOG + 4L * count, seq);
                    INT.setRelease(log, LOG_COUNT, count + 1); // pairs with the test's getAcquire
                    ready(handled[0]++);
                }, 1, WaitStrategy.PARK, Duration.ofMillis(100));
            }
        }
    }

    private static void ready(long i) {
        if (i == 0) {
            ChildSide.say("READY");
        }
    }

    /** Busy for 0 to 100 microseconds, so that kills land inside critical sections too. */
    private static void spin() {
        long until = System.nanoTime() + RANDOM.nextLong(100_000);
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }
}
