package io.jshm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongUnaryOperator;

/**
 * One end of a transport of {@link AaCheck}, loaded by a class loader of its own and spoken to
 * through a JDK interface only, since that loader shares nothing else with the caller:
 * {@code applyAsLong(op)} with {@link #POLL} (messages handled, or -1 once the end marker came),
 * {@link #SEND} (1 if a message was queued, 0 if the transport was full), {@link #END} (the same,
 * for the end marker) and {@link #CLOSE}. Each message carries its sequence number in its first and
 * last 8 bytes, checked on arrival. Public for the loaders; not an API.
 */
public abstract class AaEnd implements LongUnaryOperator {
    static final long POLL = 0;
    static final long SEND = 1;
    static final long END = 2;
    static final long CLOSE = 3;
    static final int MESSAGE_TYPE = 1;
    static final int END_TYPE = 2;

    /** The message sent, {@code size} bytes, aligned to a cache line. */
    final MemorySegment message;
    final int size;
    private long next;
    private long expected;
    private boolean ended;

    AaEnd(int size) {
        this.size = size;
        this.message = Arena.ofAuto().allocate(size, 64);
    }

    /** Hands up to {@link Child#BATCH} messages to {@link #received}. {@return how many} */
    abstract int poll();

    /** Queues {@code length} bytes of {@link #message} as a message of {@code type}. {@return false if full} */
    abstract boolean send(int type, int length);

    abstract void close();

    /**
     * For the handlers: a message of {@code type} arrived, its first, second and last words these
     * (the words the bench's own consumer reads; {@link Messages#stamp} leaves the second 0).
     */
    final void received(int type, long first, long second, long last) {
        if (type == END_TYPE) {
            ended = true;
            return;
        }
        if (first != expected || last != first || second != 0 && size > 16) {
            throw new IllegalStateException("message " + first + " (ending " + last + ") where " + expected + " was due");
        }
        expected++;
    }

    @Override
    public final long applyAsLong(long op) {
        if (op == POLL) {
            int n = poll();
            if (ended) {
                ended = false;
                expected = 0;
                return -1;
            }
            return n;
        }
        if (op == SEND) {
            Messages.stamp(message, next, size);
            if (!send(MESSAGE_TYPE, size)) {
                return 0;
            }
            next++;
            return 1;
        }
        if (op == END) {
            next = 0;
            return send(END_TYPE, Messages.CONTROL_LENGTH) ? 1 : 0;
        }
        close();
        return 0;
    }
}
