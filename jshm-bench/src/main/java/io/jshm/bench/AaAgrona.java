package io.jshm.bench;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An Agrona {@code OneToOneRingBuffer} (or {@code ManyToOneRingBuffer}) as an {@link AaEnd},
 * loaded as the jshm copies are, so that the three transports of {@link AaCheck} pay the same
 * harness. Public for the loader; not an API.
 */
public final class AaAgrona extends AaEnd {
    /** The option that makes the ring a {@code ManyToOneRingBuffer}. */
    public static final long MANY_TO_ONE = 1;
    private final RingBuffer ring;
    private final UnsafeBuffer source;
    private final MessageHandler handler;

    /**
     * Maps the ring file {@code file} for messages of {@code size} bytes (at least 16);
     * {@code option} (every end's constructor takes one: the jshm copies' short lap) is
     * {@link #MANY_TO_ONE} for a {@code ManyToOneRingBuffer}, else 0.
     */
    public AaAgrona(String file, Integer size, Long option) throws IOException {
        super(size);
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            UnsafeBuffer buffer = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
            this.ring = option == MANY_TO_ONE ? new ManyToOneRingBuffer(buffer) : new OneToOneRingBuffer(buffer);
        }
        this.source = new UnsafeBuffer(message.address(), size);
        this.handler = (type, buffer, offset, length) ->
                received(type, buffer.getLong(offset), buffer.getLong(offset + 8), buffer.getLong(offset + length - 8));
    }

    @Override
    int poll() {
        return ring.read(handler, Child.BATCH);
    }

    @Override
    boolean send(int type, int length) {
        return ring.write(type, source, 0, length);
    }

    @Override
    void close() {
        // the mapping goes with the buffer
    }
}
