package io.jshm.bench;

import io.jshm.queue.MessageHandler;
import io.jshm.queue.SharedQueue;

/**
 * A jshm SPSC (or MPSC) queue as an {@link AaEnd}, loaded once per copy with jshm-core by a class loader of
 * its own, so that each copy's queue code is compiled apart. Public for the loader; not an API.
 */
public final class AaCopy extends AaEnd {
    private final SharedQueue queue;
    private final MessageHandler handler;

    /**
     * Opens the queue {@code name} for messages of {@code size} bytes (at least 16), with short
     * laps of {@code shortLap} bytes for its producer unless that is 0.
     */
    public AaCopy(String name, Integer size, Long shortLap) {
        super(size);
        this.queue = SharedQueue.open(name);
        if (shortLap != 0) {
            queue.setShortLap(shortLap); // SPSC only
        }
        this.handler = (type, buffer, offset, length) ->
                received(type, buffer.get(Messages.WORD, offset), buffer.get(Messages.WORD, offset + 8),
                        buffer.get(Messages.WORD, offset + length - 8));
    }

    @Override
    int poll() {
        return queue.poll(handler, Child.BATCH);
    }

    @Override
    boolean send(int type, int length) {
        return queue.offer(type, length == size ? message : message.asSlice(0, length));
    }

    @Override
    void close() {
        queue.close();
    }
}
