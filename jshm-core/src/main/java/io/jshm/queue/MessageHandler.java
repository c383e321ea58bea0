package io.jshm.queue;

import java.lang.foreign.MemorySegment;

/**
 * Receives one message, in place: {@code length} bytes at {@code offset} of {@code buffer}. The
 * bytes are valid only during the call (the queue reuses them afterwards); copy what must outlive
 * it. Implementations must not keep {@code buffer}.
 */
@FunctionalInterface
public interface MessageHandler {
    /**
     * @param type   the message type given by the producer (0 or more)
     * @param buffer the memory holding the message
     * @param offset where the message's first byte is in {@code buffer}
     * @param length the message's length in bytes
     */
    void onMessage(int type, MemorySegment buffer, long offset, int length);
}
