package io.jshm.bench;

import io.jshm.queue.MessageHandler;
import io.jshm.queue.SharedQueue;

/**
 * A jshm SPSC queue as an {@link AaEnd}, loaded once per copy with jshm-core by a class loader of
 * its own, so that each copy's queue code is compiled apart. Public for the loader; not an API.
 */
public final class AaCopy extends AaEnd {
    /** Between a queue's name and a short lap in the argument of {@link #AaCopy}. */
    static final String SHORT_LAP = "#short-lap=";
    private final SharedQueue queue;
    private final MessageHandler handler;

    /**
     * Opens the queue {@code name} for messages of {@code size} bytes (at least 16); a name that
     * ends in {@link #SHORT_LAP} and a number of bytes also turns short laps on for its producer.
     */
    public AaCopy(String name, Integer size) {
        super(size);
        int at = name.indexOf(SHORT_LAP);
        this.queue = SharedQueue.open(at < 0 ? name : name.substring(0, at));
        if (at >= 0) {
            queue.setShortLap(Long.parseLong(name.substring(at + SHORT_LAP.length())));
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
