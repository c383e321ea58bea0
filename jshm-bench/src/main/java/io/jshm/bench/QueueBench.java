package io.jshm.bench;

import io.jshm.queue.MessageHandler;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Queues between two processes, busy-spinning, pinned to two cores where {@code taskset} exists:
 * jshm's SPSC and MPSC queues beside Agrona's {@code OneToOneRingBuffer} and
 * {@code ManyToOneRingBuffer} over a mapped file, in the same run, interleaved in rounds.
 * <ul>
 *   <li>latency: round trip of a 64-byte message (ping one way, pong back), HdrHistogram;</li>
 *   <li>throughput: one-way messages of 64 B and 4 KiB, producer as fast as it can, until the
 *       consumer acknowledges the last one.</li>
 * </ul>
 * Usage: {@code QueueBench [--rounds R] [--pings N] [--messages M]}.
 */
public final class QueueBench {

    static final long CAPACITY = 1 << 20;
    static final int PING_SIZE = 64;
    static final int[] SIZES = {64, 4096};
    static final List<String> TRANSPORTS = List.of("jshm SPSC", "Agrona OneToOne", "jshm MPSC", "Agrona ManyToOne");

    private QueueBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            return;
        }
        int rounds = intArg(args, "--rounds", 3);
        int pings = intArg(args, "--pings", 50_000);
        int messages = intArg(args, "--messages", 2_000_000);
        String only = stringArg(args, "--only", "");
        List<String> transports = TRANSPORTS.stream().filter(t -> t.contains(only)).toList();
        pin(ProcessHandle.current().pid(), 0);
        Map<String, Histogram> latency = new LinkedHashMap<>();
        Map<String, long[]> throughput = new LinkedHashMap<>(); // transport|size -> {messages, nanos}
        for (String t : transports) {
            latency.put(t, new Histogram(TimeUnit.SECONDS.toNanos(10), 3));
            for (int size : SIZES) {
                throughput.put(t + "|" + size, new long[2]);
            }
        }
        for (int round = 1; round <= rounds; round++) {
            for (String transport : transports) {
                progress("round " + round + "/" + rounds + ", " + transport + ", round trips");
                pingPong(transport, pings, round == 1 && rounds > 1 ? null : latency.get(transport));
                for (int size : SIZES) {
                    progress("round " + round + "/" + rounds + ", " + transport + ", " + size + " B one way");
                    int count = size >= 4096 ? messages / 2 : messages;
                    long nanos = stream(transport, size, count);
                    if (round > 1 || rounds == 1) {
                        long[] acc = throughput.get(transport + "|" + size);
                        acc[0] += count;
                        acc[1] += nanos;
                    }
                }
            }
        }
        System.err.println();
        print(latency, throughput, rounds, pings);
    }

    // ------------------------------------------------------------------ the two ends

    /** One direction of a transport, as one side sees it. */
    interface Pipe extends AutoCloseable {
        boolean offer(int length);

        int poll(int limit);

        @Override
        void close() throws IOException;
    }

    /** Creates (parent) or opens (child) the pipe {@code name} of a transport. */
    static Pipe pipe(String transport, String name, boolean create) throws IOException {
        return transport.startsWith("jshm") ? jshmPipe(transport, name, create) : agronaPipe(transport, name, create);
    }

    private static Pipe jshmPipe(String transport, String name, boolean create) {
        QueueType type = transport.endsWith("SPSC") ? QueueType.SPSC : QueueType.MPSC;
        SharedQueue queue = create ? SharedQueue.create(name, CAPACITY, type) : SharedQueue.open(name);
        MemorySegment source = Arena.ofAuto().allocate(64 * 1024, 8);
        MemorySegment[] slices = new MemorySegment[64 * 1024 + 1];
        long[] sink = new long[1];
        MessageHandler handler = (t, buffer, offset, length) -> sink[0] += buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        return new Pipe() {
            public boolean offer(int length) {
                MemorySegment slice = slices[length];
                if (slice == null) {
                    slice = slices[length] = source.asSlice(0, length);
                }
                return queue.offer(1, slice);
            }

            public int poll(int limit) {
                return queue.poll(handler, limit);
            }

            public void close() {
                queue.close();
            }
        };
    }

    private static Pipe agronaPipe(String transport, String name, boolean create) throws IOException {
        Path file = Path.of("/dev/shm", name + ".agrona");
        long size = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        MappedByteBuffer mapped;
        try (FileChannel channel = create
                ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
        UnsafeBuffer buffer = new UnsafeBuffer(mapped);
        RingBuffer ring = transport.endsWith("OneToOne") ? new OneToOneRingBuffer(buffer) : new ManyToOneRingBuffer(buffer);
        UnsafeBuffer source = new UnsafeBuffer(new byte[64 * 1024]);
        long[] sink = new long[1];
        org.agrona.concurrent.MessageHandler handler = (t, b, index, length) -> sink[0] += b.getLong(index);
        return new Pipe() {
            public boolean offer(int length) {
                return ring.write(1, source, 0, length);
            }

            public int poll(int limit) {
                return ring.read(handler, limit);
            }

            public void close() throws IOException {
                if (create) {
                    Files.deleteIfExists(file);
                }
            }
        };
    }

    // ------------------------------------------------------------------ measurements

    private static void pingPong(String transport, int pings, Histogram into) throws Exception {
        String name = "bench-q-" + ProcessHandle.current().pid();
        int warmup = pings / 5;
        try (Pipe out = pipe(transport, name + "-ab", true); Pipe back = pipe(transport, name + "-ba", true)) {
            Process child = startChild(transport, name, "pong", warmup + pings, PING_SIZE);
            for (int i = 0; i < warmup + pings; i++) {
                long start = System.nanoTime();
                while (!out.offer(PING_SIZE)) {
                    Thread.onSpinWait();
                }
                awaitOne(back, child);
                long rtt = System.nanoTime() - start;
                if (i >= warmup && into != null) {
                    into.recordValue(rtt);
                }
            }
            finish(child, transport);
        }
    }

    /** {@return nanoseconds to send {@code count} messages and have the last acknowledged} */
    private static long stream(String transport, int size, int count) throws Exception {
        String name = "bench-q-" + ProcessHandle.current().pid();
        try (Pipe out = pipe(transport, name + "-ab", true); Pipe back = pipe(transport, name + "-ba", true)) {
            Process child = startChild(transport, name, "sink", count, size);
            awaitOne(back, child); // the consumer is ready
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                while (!out.offer(size)) {
                    Thread.onSpinWait();
                }
            }
            awaitOne(back, child);
            long nanos = System.nanoTime() - start;
            finish(child, transport);
            return nanos;
        }
    }

    private static void awaitOne(Pipe pipe, Process child) {
        long spins = 0;
        while (pipe.poll(1) == 0) {
            Thread.onSpinWait();
            if ((++spins & 0xFFFFF) == 0 && !child.isAlive()) {
                throw new IllegalStateException("benchmark child exited early with code " + child.exitValue());
            }
        }
    }

    private static void child(String transport, String name, String mode, int count, int size) throws Exception {
        try (Pipe in = pipe(transport, name + "-ab", false); Pipe back = pipe(transport, name + "-ba", false)) {
            if (mode.equals("pong")) {
                for (int i = 0; i < count; ) {
                    if (in.poll(1) > 0) {
                        i++;
                        while (!back.offer(PING_SIZE)) {
                            Thread.onSpinWait();
                        }
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } else {
                back.offer(8);
                for (int received = 0; received < count; ) {
                    int n = in.poll(256);
                    if (n == 0) {
                        Thread.onSpinWait();
                    }
                    received += n;
                }
                back.offer(8);
            }
        }
    }

    private static Process startChild(String transport, String name, String mode, int count, int size)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (taskset()) {
            command.addAll(List.of("taskset", "-c", "1"));
        }
        command.add(Jvm.java());
        command.addAll(Jvm.options());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), QueueBench.class.getName(), "--child",
                transport, name, mode, Integer.toString(count), Integer.toString(size)));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void finish(Process child, String transport) throws InterruptedException {
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
            child.destroyForcibly();
            throw new IllegalStateException(transport + " child failed");
        }
    }

    // ------------------------------------------------------------------ pinning and output

    /** Decided once, before this process pins itself (after which it sees one processor). */
    private static final boolean TASKSET = Files.isExecutable(Path.of("/usr/bin/taskset"))
            && Runtime.getRuntime().availableProcessors() >= 2;

    private static boolean taskset() {
        return TASKSET;
    }

    private static void pin(long pid, int cpu) throws Exception {
        if (taskset()) {
            new ProcessBuilder("taskset", "-a", "-c", "-p", Integer.toString(cpu), Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    private static long last = System.nanoTime();

    private static void progress(String what) {
        long now = System.nanoTime();
        System.err.printf("\rqueue bench: %-60s (%.1f s)", what, (now - last) / 1e9);
        last = now;
    }

    private static void print(Map<String, Histogram> latency, Map<String, long[]> throughput, int rounds, int pings) {
        System.out.printf(Locale.ROOT, "%nRound trip of %d-byte messages, two processes%s, busy spin; %d rounds x %d,"
                + " first round discarded; microseconds%n", PING_SIZE, taskset() ? " pinned to cores 0 and 1" : "",
                rounds, pings);
        System.out.printf(Locale.ROOT, "%-18s %8s %8s %8s %8s %9s %12s%n", "transport", "p50", "p90", "p99", "p99.9",
                "max", "p50/Agrona");
        for (Map.Entry<String, Histogram> e : latency.entrySet()) {
            Histogram h = e.getValue();
            Histogram agrona = latency.getOrDefault(agronaTwin(e.getKey()), h);
            System.out.printf(Locale.ROOT, "%-18s %8.2f %8.2f %8.2f %8.2f %9.1f %12.2f%n", e.getKey(),
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3,
                    (double) h.getValueAtPercentile(50) / Math.max(1, agrona.getValueAtPercentile(50)));
        }
        System.out.printf(Locale.ROOT, "%nOne-way throughput%n%-18s %8s %14s %10s %14s%n", "transport", "size",
                "messages/s", "GB/s", "vs Agrona");
        for (int size : SIZES) {
            for (String t : latency.keySet()) {
                long[] mine = throughput.get(t + "|" + size);
                long[] agrona = throughput.getOrDefault(agronaTwin(t) + "|" + size, mine);
                double rate = mine[0] * 1e9 / mine[1];
                double agronaRate = agrona[0] * 1e9 / agrona[1];
                System.out.printf(Locale.ROOT, "%-18s %8d %14.0f %10.2f %14.2f%n", t, size, rate, rate * size / 1e9,
                        rate / agronaRate);
            }
        }
    }

    private static String agronaTwin(String transport) {
        return switch (transport) {
            case "jshm SPSC" -> "Agrona OneToOne";
            case "jshm MPSC" -> "Agrona ManyToOne";
            default -> transport;
        };
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
