package io.jshm.bench;

import io.jshm.queue.MessageHandler;
import io.jshm.queue.SharedQueue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongUnaryOperator;

/**
 * One end of a jshm SPSC queue for {@link AaCheck}, loaded once per copy by a class loader of its
 * own (with jshm-core), so that each copy's queue code is compiled apart. It speaks through a JDK
 * interface only, since the loader that made it shares nothing else with the caller:
 * {@code applyAsLong(op)} with {@link #POLL} (messages handled, or -1 once the end marker came),
 * {@link #SEND} (1 if a message was queued, 0 if the queue was full), {@link #END} (the same, for
 * the end marker) and {@link #CLOSE}. Public for the loader; not an API.
 */
public final class AaCopy implements LongUnaryOperator {
    static final long POLL = 0;
    static final long SEND = 1;
    static final long END = 2;
    static final long CLOSE = 3;
    private static final int END_TYPE = 2;

    private final SharedQueue queue;
    private final MemorySegment message;
    private final MemorySegment endMarker;
    private final int size;
    private final MessageHandler handler;
    private long next;
    private long expected;
    private boolean ended;

    /** Opens the queue {@code name} for messages of {@code size} bytes (at least 16). */
    public AaCopy(String name, Integer size) {
        this.queue = SharedQueue.open(name);
        this.size = size;
        this.message = Arena.ofAuto().allocate(size, 64);
        this.endMarker = message.asSlice(0, Messages.CONTROL_LENGTH);
        this.handler = (type, buffer, offset, length) -> {
            if (type == END_TYPE) {
                ended = true;
                return;
            }
            long first = buffer.get(Messages.WORD, offset);
            if (first != expected || buffer.get(Messages.WORD, offset + length - 8) != first) {
                throw new IllegalStateException("message " + first + " where " + expected + " was due");
            }
            expected++;
        };
    }

    @Override
    public long applyAsLong(long op) {
        if (op == POLL) {
            int n = queue.poll(handler, Child.BATCH);
            if (ended) {
                ended = false;
                expected = 0;
                return -1;
            }
            return n;
        }
        if (op == SEND) {
            Messages.stamp(message, next, size);
            if (!queue.offer(1, message)) {
                return 0;
            }
            next++;
            return 1;
        }
        if (op == END) {
            next = 0;
            return queue.offer(END_TYPE, endMarker) ? 1 : 0;
        }
        queue.close();
        return 0;
    }
}
