package io.jshm.bench;

import io.jshm.queue.MessageHandler;
import io.jshm.queue.SharedQueue;

import java.lang.foreign.MemorySegment;

/** A jshm {@link SharedQueue} (SPSC or MPSC) as one direction of a transport: copying offer, in-place poll. */
final class QueueLink implements Link {
    private final SharedQueue queue;
    private final MemorySegment[] slices = new MemorySegment[Messages.PING_LENGTH + 1];
    private MemorySegment lastSlice;
    private int lastLength = -1;
    private Received target;
    private Runnable each;
    private final MessageHandler handler = (type, buffer, offset, length) -> {
        target.note(buffer, offset, length);
        each.run();
    };

    /** Opens the queue {@code name}; a {@code shortLap} other than 0 turns short laps on for this handle's producing. */
    QueueLink(String name, long shortLap) {
        this.queue = SharedQueue.open(name);
        if (shortLap != 0) {
            queue.setShortLap(shortLap);
        }
    }

    @Override
    public void send(MemorySegment message, int length) {
        // offer takes a segment whose size is the message length. The harness sends from one
        // buffer: slices of it of the small sizes are kept, and the last larger one (a stream
        // sends one size), so that sending allocates nothing, as Agrona's write does not.
        MemorySegment slice = length < slices.length ? slices[length] : length == lastLength ? lastSlice : null;
        if (slice == null) {
            slice = message.asSlice(0, length);
            if (length < slices.length) {
                slices[length] = slice;
            } else {
                lastSlice = slice;
                lastLength = length;
            }
        }
        while (!queue.offer(1, slice)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public int poll(Received into, Runnable each, int limit) {
        target = into;
        this.each = each;
        return queue.poll(handler, limit);
    }

    @Override
    public void close() {
        queue.close();
    }
}
