package io.jshm.queue;

import java.lang.foreign.MemorySegment;

/**
 * A claimed slot of a queue, to write a message into in place and then {@link #commit()} (or
 * {@link #abort()}). Reusable: keep one per producing thread and pass it to every
 * {@link SharedQueue#tryClaim(int, int, MessageClaim)}; claiming allocates nothing.
 * {@snippet :
 * MessageClaim claim = new MessageClaim();
 * if (queue.tryClaim(7, 16, claim)) {
 *     claim.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, claim.offset(), price);
 *     claim.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, claim.offset() + 8, quantity);
 *     claim.commit();
 * }
 * }
 * Not thread-safe. A claim left neither committed nor aborted holds up the consumer until the
 * claiming process dies (see {@link SharedQueue}).
 */
public final class MessageClaim {

    SharedQueue queue;
    long position;
    long index;
    int type;
    int length;

    /** Makes an inactive claim, to pass to {@link SharedQueue#tryClaim(int, int, MessageClaim)}. */
    public MessageClaim() {
    }

    /** {@return the memory to write into: {@link #length()} bytes from {@link #offset()}} */
    public MemorySegment buffer() {
        check();
        return queue.ring();
    }

    /** {@return where the claimed bytes start in {@link #buffer()}} (8-byte aligned) */
    public long offset() {
        check();
        return index + RecordLayout.HEADER;
    }

    /** {@return the claimed length in bytes} */
    public int length() {
        check();
        return length;
    }

    /** {@return the claimed bytes as a segment of their own (allocates a view)} */
    public MemorySegment segment() {
        return buffer().asSlice(offset(), length);
    }

    /** Publishes the message to the consumers. */
    public void commit() {
        check();
        SharedQueue q = queue;
        queue = null;
        q.commit(position, type, length);
    }

    /** Gives the slot up; consumers skip it without counting it as a message. */
    public void abort() {
        check();
        SharedQueue q = queue;
        queue = null;
        q.abort(position, length);
    }

    /** {@return whether this claim holds a slot now} */
    public boolean isActive() {
        return queue != null;
    }

    private void check() {
        if (queue == null) {
            throw new IllegalStateException("no active claim: tryClaim first (a claim is committed or aborted once)");
        }
    }
}
