package io.jshm.bench;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An Agrona {@code OneToOneRingBuffer} as an {@link AaEnd}, loaded as the jshm copies are, so that
 * the three transports of {@link AaCheck} pay the same harness. Public for the loader; not an API.
 */
public final class AaAgrona extends AaEnd {
    private final OneToOneRingBuffer ring;
    private final UnsafeBuffer source;
    private final MessageHandler handler;

    /**
     * Maps the ring file {@code file} for messages of {@code size} bytes (at least 16);
     * {@code shortLap} is always 0 (the jshm copies' option, taken by every end's constructor).
     */
    public AaAgrona(String file, Integer size, Long shortLap) throws IOException {
        super(size);
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            this.ring = new OneToOneRingBuffer(new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    channel.size())));
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
