package io.jshm.queue;

import io.jshm.testing.ChildSide;
import io.jshm.SharedMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.jshm.testing.ChildSide.command;
import static io.jshm.testing.ChildSide.say;

/**
 * The child process of the queue tests: one {@code main} with a mode per role, chosen by the
 * first argument. Every mode opens the test's queue (or region) by name, reports its steps on
 * stdout, one line each (the test waits for them), and exits when its work is done. Messages are
 * {@link Payloads}: every consumer here checks every byte it receives.
 *
 * <p>A child never outlives its test: a daemon thread reads stdin, which the test JVM holds open,
 * and ends the process at end of file (the test JVM died); and every child halts after
 * {@link #MAX_LIFETIME} whatever happens.
 */
public final class QueueChild {

    /** The longest any child lives; far above any test's own timeout. */
    static final Duration MAX_LIFETIME = Duration.ofSeconds(75);

    /** How long one blocking send or receive of a child may wait before the child gives up. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A log region: a count (long at 0, release-stored), then one long per entry from offset 8. */
    static final long LOG_COUNT = 0;
    static final long LOG_ENTRIES = 8;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private QueueChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildSide.start(MAX_LIFETIME);
        String mode = args[0];
        switch (mode) {
            case "produce" -> produce(args[1], integer(args[2]), integer(args[3]), arg(args[4]), integer(args[5]),
                    integer(args[6]), WaitStrategy.valueOf(args[7]), args.length > 8 ? arg(args[8]) : 0);
            case "claim-hold" -> claimHold(args[1], integer(args[2]));
            case "consume-log" -> consumeLog(args[1], args[2], arg(args[3]), integer(args[4]), integer(args[5]),
                    integer(args[6]), arg(args[7]));
            case "broadcast-produce" -> broadcastProduce(args[1], integer(args[2]), arg(args[3]), integer(args[4]),
                    integer(args[5]), args[6]);
            case "broadcast-consume" -> broadcastConsume(args[1], integer(args[2]), arg(args[3]), integer(args[4]),
                    integer(args[5]), args[6], args[7]);
            case "peer" -> peer();
            case "park-receive" -> parkReceive(args[1]);
            case "park-send" -> parkSend(args[1], integer(args[2]));
            case "hold-role" -> holdRole(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        say("EXIT");
    }

    // ------------------------------------------------------------------ modes

    /**
     * Sends messages 0 .. count-1 of producer {@code producer} with {@code send(strategy)}, after
     * GO, with short laps of {@code shortLap} bytes if not 0. Says DONE, or TIMEOUT if a send
     * waited longer than {@link #PATIENCE} (exit status 1).
     */
    private static void produce(String queueName, int producer, int count, long seed, int min, int max,
                                WaitStrategy strategy, long shortLap) throws InterruptedException {
        try (SharedQueue queue = SharedQueue.open(queueName); Arena arena = Arena.ofConfined()) {
            if (shortLap > 0) {
                queue.setShortLap(shortLap);
            }
            MemorySegment buffer = arena.allocate(Math.max(1, max), 8);
            readyThenGo();
            long start = System.nanoTime();
            for (int seq = 0; seq < count; seq++) {
                int length = Payloads.length(seed, producer, seq, min, max);
                Payloads.fill(buffer, 0, length, seed, producer, seq);
                if (!queue.send(Payloads.type(producer, seq), buffer.asSlice(0, length), strategy, PATIENCE)) {
                    say("TIMEOUT at seq " + seq + " " + queue.counters());
                    System.exit(1);
                }
            }
            say("DONE " + producer + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        }
    }

    /**
     * Claims room for a message of {@code length} bytes, writes half of it, says
     * {@code CLAIMED <offset>} and then never commits: it waits until killed.
     */
    private static void claimHold(String queueName, int length) throws InterruptedException {
        SharedQueue queue = SharedQueue.open(queueName);
        MessageClaim claim = new MessageClaim();
        if (!queue.tryClaim(Payloads.type(Payloads.MAX_PRODUCERS - 1, 0), length, claim)) {
            say("FULL");
            return;
        }
        claim.buffer().asSlice(claim.offset(), length / 2).fill((byte) 0x5A);
        say("CLAIMED " + claim.offset());
        command("NEVER"); // the test kills us here
    }

    /**
     * Consumes messages of producer 0 until it has handled seq {@code last}, checking each, and
     * appends each seq to the log region from inside the handler (so the log tells exactly
     * which handlers ran, even if the process is killed). Stuck timeout {@code stuckMillis}.
     */
    private static void consumeLog(String queueName, String logName, long seed, int min, int max, int last,
                                   long stuckMillis) throws InterruptedException {
        try (SharedQueue queue = SharedQueue.open(queueName); SharedMemory log = SharedMemory.open(logName)) {
            queue.setStuckTimeout(Duration.ofMillis(stuckMillis));
            MemorySegment entries = log.segment();
            long[] count = {(long) LONG.getVolatile(entries, LOG_COUNT)};
            boolean[] done = {false};
            MessageHandler handler = (type, buffer, offset, length) -> {
                String problem = Payloads.check(type, buffer, offset, length, seed, min, max);
                if (problem != null) {
                    say("BAD " + problem);
                    System.exit(2);
                }
                int seq = Payloads.seqOf(type);
                entries.set(ValueLayout.JAVA_LONG, LOG_ENTRIES + 8 * count[0], seq);
                LONG.setRelease(entries, LOG_COUNT, ++count[0]);
                if (seq == last) {
                    done[0] = true;
                }
            };
            say("READY");
            while (!done[0]) {
                if (queue.receive(handler, 64, WaitStrategy.PARK, PATIENCE) == 0) {
                    say("TIMEOUT after " + count[0] + " " + queue.counters());
                    System.exit(1);
                }
            }
            say("DONE " + count[0]);
        }
    }

    /**
     * The broadcast producer: sends messages 0 .. count-1 of producer 0, after GO. A broadcast
     * producer never waits on its own; this one keeps within half a ring of the fast consumer,
     * whose received count is the long at offset 0 of the {@code ack} region, so that consumer
     * can never be lapped. The slow one can.
     */
    private static void broadcastProduce(String queueName, int count, long seed, int min, int max, String ackName)
            throws InterruptedException {
        try (SharedQueue queue = SharedQueue.open(queueName); SharedMemory ack = SharedMemory.open(ackName);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, max), 8);
            MemorySegment acks = ack.segment();
            long[] endOf = new long[count]; // the tail after message i
            long window = queue.capacity() / 2;
            readyThenGo();
            long start = System.nanoTime();
            long deadline = start + PATIENCE.toNanos();
            for (int seq = 0; seq < count; seq++) {
                int length = Payloads.length(seed, 0, seq, min, max);
                long worst = 2L * RecordLayout.aligned(RecordLayout.HEADER + length); // with padding before it
                long tail = queue.counters().bytesIn();
                for (int spins = 0; ; spins++) {
                    long received = (long) LONG.getAcquire(acks, 0L);
                    long consumed = received == 0 ? 0 : endOf[(int) received - 1];
                    if (tail + worst - consumed <= window) {
                        break;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        say("TIMEOUT waiting for the fast consumer at seq " + seq + ", it has " + received);
                        System.exit(1);
                    }
                    if (spins > 100) {
                        LockSupport.parkNanos(20_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                Payloads.fill(buffer, 0, length, seed, 0, seq);
                if (!queue.offer(Payloads.type(0, seq), buffer.asSlice(0, length))) {
                    say("REFUSED at seq " + seq);
                    System.exit(1);
                }
                endOf[seq] = queue.counters().bytesIn();
            }
            say("DONE in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        }
    }

    /**
     * A broadcast consumer: joins (first poll), says JOINED, then receives until it has message
     * count-1 (a lapped consumer jumps to the newest message, so the last one always arrives),
     * checking every message, and says
     * {@code RESULT <received> <lost()> <lapped()> <sum of seq gaps> <out of order> <bad payloads>}.
     * {@code fast} publishes its received count in the ack region after each message; {@code slow}
     * naps 2 ms every 64 messages so that it gets lapped.
     */
    private static void broadcastConsume(String queueName, int count, long seed, int min, int max, String role,
                                         String ackName) throws InterruptedException {
        boolean fast = role.equals("fast");
        try (SharedQueue queue = SharedQueue.open(queueName); SharedMemory ack = SharedMemory.open(ackName)) {
            MemorySegment acks = ack.segment();
            BroadcastTally tally = new BroadcastTally(seed, min, max);
            queue.poll(tally, 1); // joins: starts after the newest message, of which there is none yet
            say("JOINED");
            while (tally.last < count - 1) {
                int n = queue.receive((type, buffer, offset, length) -> {
                    tally.onMessage(type, buffer, offset, length);
                    if (fast) {
                        LONG.setRelease(acks, 0L, tally.received);
                    }
                }, 64, WaitStrategy.PARK, PATIENCE);
                if (n == 0) {
                    say("TIMEOUT after " + tally.received + ", last " + tally.last);
                    System.exit(1);
                }
                if (!fast && tally.received % 64 < n) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
            }
            say("RESULT " + tally.result(queue) + " " + tally.firstProblem);
        }
    }

    /**
     * A hostile peer: says READY, then for each command {@code POKE <region> <offset> <width>
     * <value>} writes {@code value} ({@code width} 4 or 8 bytes, little-endian) at {@code offset}
     * of the named region and says {@code POKED}, until told EXIT.
     */
    private static void peer() throws InterruptedException {
        say("READY");
        while (true) {
            String[] command = ChildSide.nextCommand().split(" ");
            if (command[0].equals("EXIT")) {
                return;
            }
            try (SharedMemory shm = SharedMemory.open(command[1])) {
                MemorySegment region = shm.segment();
                long offset = arg(command[2]);
                long value = arg(command[4]);
                if (integer(command[3]) == 4) {
                    region.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
                } else {
                    region.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
                }
                VarHandle.fullFence();
            }
            say("POKED");
        }
    }

    /** Waits in receive(PARK) for one message and says {@code GOT <count> <type>}. */
    private static void parkReceive(String queueName) throws InterruptedException {
        try (SharedQueue queue = SharedQueue.open(queueName)) {
            queue.poll((t, b, o, l) -> { }, 1); // takes the consumer role: nothing is there yet
            say("READY");
            int[] type = {-1};
            int n = queue.receive((t, b, o, l) -> type[0] = t, 1, WaitStrategy.PARK, PATIENCE);
            say("GOT " + n + " " + type[0]);
        }
    }

    /**
     * Fills the queue with messages of {@code length} bytes until offer refuses, says FULL, then
     * sends one more with send(PARK) and says {@code SENT <result> <messages before it>}.
     */
    private static void parkSend(String queueName, int length) throws InterruptedException {
        try (SharedQueue queue = SharedQueue.open(queueName)) {
            MemorySegment message = MemorySegment.ofArray(new byte[length]);
            int sent = 0;
            while (queue.offer(sent, message)) {
                sent++;
            }
            say("FULL " + sent);
            boolean ok = queue.send(sent, message, WaitStrategy.PARK, PATIENCE);
            say("SENT " + ok + " " + sent);
        }
    }

    /**
     * Takes a role of the queue ({@code consumer}: one poll; {@code producer}: one empty message),
     * says HOLDING, and keeps it until told RELEASE (then closes and says RELEASED) or killed.
     */
    private static void holdRole(String queueName, String role) throws InterruptedException {
        SharedQueue queue = SharedQueue.open(queueName);
        if (role.equals("consumer")) {
            queue.poll((t, b, o, l) -> { }, 0);
        } else {
            queue.offer(0, MemorySegment.ofArray(new byte[0]));
        }
        say("HOLDING");
        command("RELEASE");
        queue.close();
        say("RELEASED");
    }

    // ------------------------------------------------------------------ helpers

    /** What a broadcast consumer saw: counts, gaps, order and payload problems. */
    static final class BroadcastTally implements MessageHandler {
        private final long seed;
        private final int min;
        private final int max;
        long received;
        long last = -1;
        long gaps;
        long disorder;
        long bad;
        String firstProblem = "-";

        BroadcastTally(long seed, int min, int max) {
            this.seed = seed;
            this.min = min;
            this.max = max;
        }

        @Override
        public void onMessage(int type, MemorySegment buffer, long offset, int length) {
            int seq = Payloads.seqOf(type);
            received++;
            if (seq <= last) {
                disorder++;
                problem("seq " + seq + " after " + last);
            } else {
                gaps += seq - last - 1;
            }
            last = Math.max(last, seq);
            String problem = Payloads.check(type, buffer, offset, length, seed, min, max);
            if (problem != null) {
                bad++;
                problem(problem);
            }
        }

        private void problem(String what) {
            if (firstProblem.equals("-")) {
                firstProblem = what.replace(' ', '_');
            }
        }

        String result(SharedQueue queue) {
            return received + " " + queue.lost() + " " + queue.lapped() + " " + gaps + " " + disorder + " " + bad;
        }
    }

    private static long arg(String s) {
        return Long.parseLong(s);
    }

    private static int integer(String s) {
        return Integer.parseInt(s);
    }

    private static void readyThenGo() throws InterruptedException {
        say("READY");
        command("GO");
    }
}
