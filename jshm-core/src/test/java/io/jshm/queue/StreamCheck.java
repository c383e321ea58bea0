package io.jshm.queue;

import java.lang.foreign.MemorySegment;

/**
 * The consumer side of a multi-producer stream of {@link Payloads}: checks, as each message
 * arrives, that it is the next one of its producer (so nothing is lost, duplicated or reordered
 * per producer) and that every byte is right. A wrong message fails at once, naming it.
 */
final class StreamCheck implements MessageHandler {
    private final long seed;
    private final int min;
    private final int max;
    private final int[] next;
    long total;
    long payloadBytes;

    StreamCheck(int producers, long seed, int min, int max) {
        this.next = new int[producers];
        this.seed = seed;
        this.min = min;
        this.max = max;
    }

    @Override
    public void onMessage(int type, MemorySegment buffer, long offset, int length) {
        int producer = Payloads.producerOf(type);
        int seq = Payloads.seqOf(type);
        if (producer >= next.length) {
            throw new AssertionError("message from unknown producer " + producer + " (type " + type + ") after "
                    + total + " messages");
        }
        if (seq != next[producer]) {
            throw new AssertionError("producer " + producer + ": got seq " + seq + ", expected " + next[producer]
                    + (seq < next[producer] ? " (a duplicate or reordering)" : " (a loss or reordering)")
                    + " after " + total + " messages");
        }
        String problem = Payloads.check(type, buffer, offset, length, seed, min, max);
        if (problem != null) {
            throw new AssertionError(problem + " after " + total + " messages");
        }
        next[producer]++;
        total++;
        payloadBytes += length;
    }

    /** {@return how many messages of {@code producer} arrived} */
    int received(int producer) {
        return next[producer];
    }

    @Override
    public String toString() {
        return "received " + total + " messages, per producer " + java.util.Arrays.toString(next);
    }
}
