package io.jshm.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The file a measuring child (Java, C or Python) leaves for the harness: a sequence of records,
 * each a little-endian int64 tag, an int64 count {@code n}, and {@code n} int64 values. Raw
 * samples travel this way, so every percentile is computed by the harness from what was really
 * measured, the same way for every language.
 * <table>
 *   <caption>Records</caption>
 *   <tr><th>tag</th><th>values</th></tr>
 *   <tr><td>1 {@link #RTT}</td><td>round-trip samples, ns</td></tr>
 *   <tr><td>2 {@link #STREAM}</td><td>message size, messages, ns from first send to the receiver's acknowledgement of the last</td></tr>
 *   <tr><td>3 {@link #LIFECYCLE}</td><td>region size, then one sample per create-to-unlink, ns</td></tr>
 *   <tr><td>4 {@link #COPY}</td><td>size, source (0 native, 1 heap), then ns per sample of {@code RegionCosts.copiesPerSample(size)} copies</td></tr>
 *   <tr><td>5 {@link #PAIRS}</td><td>message size, then per timed stream of the interleaved part, in the order run
 *       (the transports alternating, the first first): messages, ns</td></tr>
 * </table>
 */
final class ResultFile {
    static final long RTT = 1;
    static final long STREAM = 2;
    static final long LIFECYCLE = 3;
    static final long COPY = 4;
    static final long PAIRS = 5;

    /** One record: its tag and values. */
    record Entry(long tag, long[] values) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Adds a record of {@code values[0, count)}. */
    ResultFile add(long tag, long[] values, int count) {
        entries.add(new Entry(tag, Arrays.copyOf(values, count)));
        return this;
    }

    /** Adds a record. */
    ResultFile add(long tag, long... values) {
        return add(tag, values, values.length);
    }

    void write(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Entry e : entries) {
                ByteBuffer b = ByteBuffer.allocate(16 + 8 * e.values.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(e.tag).putLong(e.values.length);
                for (long v : e.values) {
                    b.putLong(v);
                }
                b.flip();
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
        }
    }

    /** {@return the records of a result file} */
    static List<Entry> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> out = new ArrayList<>();
        while (b.remaining() >= 16) {
            long tag = b.getLong();
            long n = b.getLong();
            if (n < 0 || n > b.remaining() / 8) {
                throw new IOException(file + ": record " + out.size() + " (tag " + tag + ") claims " + n
                        + " values, " + b.remaining() / 8 + " left in the file");
            }
            long[] values = new long[(int) n];
            b.asLongBuffer().get(values);
            b.position(b.position() + 8 * (int) n);
            out.add(new Entry(tag, values));
        }
        if (b.hasRemaining()) {
            throw new IOException(file + ": " + b.remaining() + " trailing bytes after " + out.size() + " records");
        }
        return out;
    }
}
