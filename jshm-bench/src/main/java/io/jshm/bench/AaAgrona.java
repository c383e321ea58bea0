package io.jshm.bench;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongUnaryOperator;

/**
 * One end of an Agrona {@code OneToOneRingBuffer} for {@link AaCheck}, spoken to as {@link AaCopy}
 * is (the same operations, through the same interface, loaded the same way), so that the three
 * transports of the check pay the same harness. Public for the loader; not an API.
 */
public final class AaAgrona implements LongUnaryOperator {
    private static final int END_TYPE = 2;

    private final OneToOneRingBuffer ring;
    private final MemorySegment message;
    private final UnsafeBuffer source;
    private final int size;
    private final MessageHandler handler;
    private long next;
    private long expected;
    private boolean ended;

    /** Maps the ring file {@code file} for messages of {@code size} bytes (at least 16). */
    public AaAgrona(String file, Integer size) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            this.ring = new OneToOneRingBuffer(new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    channel.size())));
        }
        this.size = size;
        this.message = Arena.ofAuto().allocate(size, 64);
        this.source = new UnsafeBuffer(message.address(), size);
        this.handler = (type, buffer, offset, length) -> {
            if (type == END_TYPE) {
                ended = true;
                return;
            }
            long first = buffer.getLong(offset);
            if (first != expected || buffer.getLong(offset + length - 8) != first) {
                throw new IllegalStateException("message " + first + " where " + expected + " was due");
            }
            expected++;
        };
    }

    @Override
    public long applyAsLong(long op) {
        if (op == AaCopy.POLL) {
            int n = ring.read(handler, Child.BATCH);
            if (ended) {
                ended = false;
                expected = 0;
                return -1;
            }
            return n;
        }
        if (op == AaCopy.SEND) {
            Messages.stamp(message, next, size);
            if (!ring.write(1, source, 0, size)) {
                return 0;
            }
            next++;
            return 1;
        }
        if (op == AaCopy.END) {
            next = 0;
            return ring.write(END_TYPE, source, 0, Messages.CONTROL_LENGTH) ? 1 : 0;
        }
        return 0; // the mapping goes with the buffer
    }
}
