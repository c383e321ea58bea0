package io.jshm.bench;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Agrona's {@code OneToOneRingBuffer} or {@code ManyToOneRingBuffer} over a file in
 * {@code /dev/shm}, as Agrona users share a ring between processes: copying write from an
 * {@link UnsafeBuffer}, in-place read.
 */
final class AgronaLink implements Link {
    private final RingBuffer ring;
    private final MemorySegment view;
    private final UnsafeBuffer source;
    private MemorySegment sourceOf;
    private Received target;
    private Runnable each;
    private final MessageHandler handler;

    /** {@return the file that holds the ring of {@code name}} */
    static Path file(String name) {
        return Path.of("/dev/shm", name + ".agrona");
    }

    /** {@return the file size for a ring of {@code capacity} bytes} */
    static long fileSize(long capacity) {
        return capacity + RingBufferDescriptor.TRAILER_LENGTH;
    }

    AgronaLink(String name, boolean manyToOne) throws IOException {
        MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file(name), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
        }
        UnsafeBuffer buffer = new UnsafeBuffer(mapped);
        ring = manyToOne ? new ManyToOneRingBuffer(buffer) : new OneToOneRingBuffer(buffer);
        view = MemorySegment.ofBuffer(mapped);
        source = new UnsafeBuffer(0, 0);
        handler = (type, b, index, length) -> {
            target.note(length, b.getLong(index), b.getLong(index + 8), b.getLong(index + length - 8));
            if (target.copy != null) {
                MemorySegment.copy(view, index, target.copy, 0, length);
            }
            each.run();
        };
    }

    @Override
    public void send(MemorySegment message, int length) {
        if (sourceOf != message) { // Agrona writes from its own buffer type: wrap the native segment once
            source.wrap(message.address(), (int) message.byteSize());
            sourceOf = message;
        }
        while (!ring.write(1, source, 0, length)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public int poll(Received into, Runnable each, int limit) {
        target = into;
        this.each = each;
        return ring.read(handler, limit);
    }

    @Override
    public void close() {
        // the mapping goes with the buffer; the harness removes the file
    }
}
