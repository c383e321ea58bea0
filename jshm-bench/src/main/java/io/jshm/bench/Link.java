package io.jshm.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One direction of a transport, as one end sees it: busy-spinning send, non-blocking poll.
 * Implementations read a received message in place where the transport allows it (queues,
 * rings) and note only what the harness checks: its length and its first, second and last
 * 8-byte words (every message carries its sequence number first and last). Not thread-safe: one
 * thread per end.
 */
interface Link extends AutoCloseable {

    /** Sends the first {@code length} bytes of {@code message}, spinning until the transport takes them. */
    void send(MemorySegment message, int length) throws IOException;

    /**
     * Takes up to {@code limit} messages that have arrived, as a consumer of this transport
     * would (queues and rings hand them over in one batch). For each, {@code into} describes it
     * (and holds a copy of its bytes when {@link Received#copy} is set), then {@code each} runs.
     * {@return how many were taken, 0 if none had arrived}
     */
    int poll(Received into, Runnable each, int limit) throws IOException;

    /** Takes one message if there is one, into {@code into}. {@return whether there was} */
    default boolean poll(Received into) throws IOException {
        return poll(into, NOTHING, 1) == 1;
    }

    Runnable NOTHING = () -> { };

    @Override
    void close() throws IOException;

    /** What the receiving end saw of the last message. */
    final class Received {
        int length;
        long first;
        long second;
        long last;
        /** When not null (verification runs), the message's bytes are copied here. */
        final MemorySegment copy;

        Received(MemorySegment copy) {
            this.copy = copy;
        }

        /** Notes a message read from {@code buffer} at {@code offset}. */
        void note(MemorySegment buffer, long offset, int length) {
            note(length, buffer.get(Messages.WORD, offset), buffer.get(Messages.WORD, offset + 8),
                    buffer.get(Messages.WORD, offset + length - 8));
            if (copy != null) {
                MemorySegment.copy(buffer, offset, copy, 0, length);
            }
        }

        /** Notes a message whose words the transport read itself. */
        void note(int length, long first, long second, long last) {
            this.length = length;
            this.first = first;
            this.second = second;
            this.last = last;
        }
    }
}
