package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transport, one round: the harness makes what the two ends share (queues, ring files,
 * regions, a socket address), starts end B on core 1 and end A on core 0, each a fresh process,
 * waits for both, checks that B received every message A sent, and removes what it made.
 */
final class Pair {
    static final long RING = 1 << 20;
    static final long BIG_RING = 16 << 20;
    /**
     * The C rings' header before the data (cfloor.c: head, tail, ready, done), a page, as jshm's
     * queues have. This, {@link #RING} and {@link #BIG_RING} are compiled into the C floor
     * ({@link Native#prepare}).
     */
    static final long C_RING_HEADER = 4096;

    /** What one pair measured: A's result file, and what B says it received (per stream size, -1 for round trips). */
    record Outcome(List<ResultFile.Entry> entries, Map<Integer, Long> received) {
    }

    private Pair() {
    }

    static Outcome run(Transport transport, Plan plan, String prefix, Path dir, Native natives)
            throws IOException, InterruptedException {
        List<Integer> sizes = transport.streams() ? plan.sizes() : List.of();
        boolean big = sizes.stream().anyMatch(s -> s > Ends.SMALL_MAX);
        List<AutoCloseable> made = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        String address = "-";
        try {
            switch (transport) {
                case JSHM_RAW -> made.add(SharedMemory.create(prefix + "-raw", RawRegionLink.REGION_SIZE));
                case C_FLOOR -> {
                    made.add(SharedMemory.create(prefix + "-raw", RawRegionLink.REGION_SIZE));
                    made.add(SharedMemory.create(prefix + "-cring", C_RING_HEADER + RING));
                    if (big) {
                        made.add(SharedMemory.create(prefix + "-cring-big", C_RING_HEADER + BIG_RING));
                    }
                }
                case UNIX_SOCKET -> address = "unix:" + dir.resolve(prefix + ".sock");
                case TCP_LOOPBACK -> address = "tcp:" + freePort();
                default -> rings(transport, prefix, big, plan.mpscLanes(), made, files); // the queues
            }
            return runEnds(transport, plan, prefix, address, sizes, dir, natives);
        } finally {
            remove(made, files);
        }
    }

    /**
     * Makes the rings the ends of queue transport {@code t} open: jshm queues ({@link #queues},
     * named as {@link Ends#prefix} says), or Agrona's ring files ({@link #agronaFiles}).
     *
     * @throws IllegalArgumentException if {@code t} is not a queue
     */
    private static void rings(Transport t, String prefix, boolean big, int mpscLanes, List<AutoCloseable> made,
                              List<Path> files)
            throws IOException {
        switch (t) {
            case JSHM_SPSC, JSHM_SPSC_SHORT_LAPS, JSHM_MPSC -> queues(Ends.prefix(t, prefix),
                    t == Transport.JSHM_MPSC ? QueueType.MPSC : QueueType.SPSC, big, mpscLanes, made);
            case AGRONA_ONE_TO_ONE, AGRONA_MANY_TO_ONE -> agronaFiles(prefix, big, files);
            default -> throw new IllegalArgumentException(t.label() + " is not a queue");
        }
    }

    /**
     * Makes queues {@code PREFIX-ab} and {@code PREFIX-ba} of {@link #RING} bytes, and
     * {@code PREFIX-ab-big} of {@link #BIG_RING} if {@code big}, adding each to {@code made}.
     */
    private static void queues(String prefix, QueueType type, boolean big, int mpscLanes, List<AutoCloseable> made) {
        made.add(queue(prefix + "-ab", RING, type, mpscLanes));
        made.add(queue(prefix + "-ba", RING, type, mpscLanes));
        if (big) {
            made.add(queue(prefix + "-ab-big", BIG_RING, type, mpscLanes));
        }
    }

    /** {@return a queue; an MPSC one with {@code mpscLanes} lanes (decision 63)} */
    private static SharedQueue queue(String name, long capacity, QueueType type, int mpscLanes) {
        return type == QueueType.MPSC
                ? SharedQueue.createMpsc(name, capacity, mpscLanes, SharedMemoryOptions.defaults())
                : SharedQueue.create(name, capacity, type);
    }

    /** As {@link #queues}, Agrona's ring files, adding each to {@code files}. */
    private static void agronaFiles(String prefix, boolean big, List<Path> files) throws IOException {
        files.add(agronaFile(prefix + "-ab", RING));
        files.add(agronaFile(prefix + "-ba", RING));
        if (big) {
            files.add(agronaFile(prefix + "-ab-big", BIG_RING));
        }
    }

    /** Closes what a pair made (queues, regions, a child's ends) and deletes its files. */
    static void remove(List<? extends AutoCloseable> made, List<Path> files) throws IOException {
        for (AutoCloseable c : made) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IOException("cannot close " + c, e);
            }
        }
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    /**
     * Starts end B on core 1, then end A on core 0, and waits for both (A first; B failing
     * first stops A). {@return B's stdout}
     */
    static String runTwo(String label, List<String> a, List<String> b, Path dir, long timeout)
            throws IOException, InterruptedException {
        Processes.Running endB = Processes.start(label + " end B", Processes.pinned(1, b), dir);
        Processes.Running endA;
        try {
            endA = Processes.start(label + " end A", Processes.pinned(0, a), dir);
        } catch (IOException e) {
            endB.kill();
            throw e;
        }
        try {
            awaitEither(endA, endB, timeout);
            endA.finish(timeout);
            return endB.finish(timeout);
        } finally {
            if (endA.process().isAlive()) {
                endA.kill();
            }
            if (endB.process().isAlive()) {
                endB.kill();
            }
        }
    }

    /** Round trips in blocks of this many, the transports of an {@link Interleaving} taking turns. */
    static final int INTERLEAVED_BLOCK = 1000;
    /**
     * The length of one timed stream in the interleaved part: short, so that the two of a pair
     * meet the same machine (on a shared VM a stream's rate moves by several times within a
     * second), long enough for a 1 MiB stream to send a few hundred messages.
     */
    static final long INTERLEAVED_SEGMENT_MILLIS = 20;
    /** The interleaved part times each transport this many times longer than a transport's own part. */
    static final int INTERLEAVED_STREAM_FACTOR = 4;

    /** {@return how many timed streams per size and transport the interleaved part runs, alternating} */
    static int interleavedSegments(Plan plan) {
        return (int) Math.max(5, INTERLEAVED_STREAM_FACTOR * plan.streamMillis() / INTERLEAVED_SEGMENT_MILLIS);
    }

    /**
     * An interleaved part: jshm queues ({@link Ends#prefix}) and Agrona rings (files ending
     * {@code .agrona}) side by side, one pair of processes taking turns between them (see
     * {@link Child#turn}). {@return A's round-trip record per transport, its stream records, and
     * what B received}
     */
    static Outcome runInterleaved(Interleaving which, Plan plan, String prefix, Path dir)
            throws IOException, InterruptedException {
        List<AutoCloseable> made = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Path out = dir.resolve(prefix + ".a");
        List<Integer> sizes = plan.sizes();
        try {
            boolean big = sizes.stream().anyMatch(size -> size > Ends.SMALL_MAX);
            for (Transport t : which.transports()) {
                rings(t, prefix, big, plan.mpscLanes(), made, files);
            }
            String block = Integer.toString(INTERLEAVED_BLOCK);
            int segmentCount = interleavedSegments(plan);
            String segments = Integer.toString(segmentCount);
            String[] sizeArgs = sizes.stream().map(String::valueOf).toArray(String[]::new);
            List<String> b = Processes.javaChild(join(new String[] {"ib", which.name(), prefix, block, segments}, sizeArgs));
            List<String> a = Processes.javaChild(join(new String[] {"ia", which.name(), prefix,
                    plan.warmMillis() + ":" + plan.warmCount(), plan.latencyMillis() + ":" + plan.minSamples(), block,
                    plan.warmMillis() + ":" + segmentCount * INTERLEAVED_SEGMENT_MILLIS, segments, out.toString()}, sizeArgs));
            long timeout = 120 + which.transports().size() * (plan.warmMillis() + 3 * plan.latencyMillis()
                    + sizes.size() * (plan.warmMillis() + segmentCount * INTERLEAVED_SEGMENT_MILLIS)) / 1000 * 3;
            String said = runTwo(which.part(), a, b, dir, timeout);
            Outcome outcome = new Outcome(ResultFile.read(out), received(said));
            List<ResultFile.Entry> rtt = outcome.entries().stream().filter(e -> e.tag() == ResultFile.RTT).toList();
            long timed = rtt.stream().mapToLong(e -> e.values().length).sum();
            Long got = outcome.received().get(-1);
            if (rtt.size() != which.transports().size() || got == null || got < timed) {
                throw new IOException(which.part() + ": A recorded " + timed + " in " + rtt.size()
                        + " records, B answered " + got);
            }
            for (int size : sizes) {
                long sent = outcome.entries().stream().filter(e -> e.tag() == ResultFile.STREAM && e.values()[0] == size)
                        .mapToLong(e -> e.values()[1]).sum();
                Long arrived = outcome.received().get(size);
                if (arrived == null || arrived < sent) {
                    throw new IOException(which.part() + ", streams: A timed " + sent + " messages of " + size
                            + " B, B received " + arrived);
                }
            }
            return outcome;
        } finally {
            Files.deleteIfExists(out);
            remove(made, files);
        }
    }

    private static Outcome runEnds(Transport transport, Plan plan, String prefix, String address, List<Integer> sizes,
                                   Path dir, Native natives) throws IOException, InterruptedException {
        Path out = dir.resolve(prefix + ".a");
        String[] sizeArgs = sizes.stream().map(String::valueOf).toArray(String[]::new);
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        long counts = transport == Transport.UNIX_SOCKET || transport == Transport.TCP_LOOPBACK ? 10 : 1;
        String warm = plan.warmMillis() + ":" + plan.warmCount() / counts;
        String latency = plan.latencyMillis() + ":" + plan.minSamples() / counts;
        String stream = plan.warmMillis() + ":" + plan.streamMillis();
        if (transport.java()) {
            a.addAll(Processes.javaChild(join(new String[] {"a", transport.name(), prefix, address, warm, latency, stream,
                    Boolean.toString(plan.verify()), out.toString()}, sizeArgs)));
            b.addAll(Processes.javaChild(join(new String[] {"b", transport.name(), prefix, address,
                    Boolean.toString(plan.verify())}, sizeArgs)));
        } else {
            String c = natives.cfloor().orElseThrow().toString();
            a.addAll(List.of(join(new String[] {c, "a", prefix, warm, latency, stream, out.toString()}, sizeArgs)));
            b.addAll(List.of(join(new String[] {c, "b", prefix}, sizeArgs)));
        }
        long timeout = 120 + (plan.warmMillis() + 3 * plan.latencyMillis()
                + sizes.size() * (plan.warmMillis() + plan.streamMillis())) / 1000 * 3;
        try {
            String said = runTwo(transport.label(), a, b, dir, timeout);
            Outcome outcome = new Outcome(ResultFile.read(out), received(said));
            check(transport, outcome);
            return outcome;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Waits until A ends, or B fails first (then A, which would wait for B, is stopped at once). */
    private static void awaitEither(Processes.Running a, Processes.Running b, long timeoutSeconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!a.process().waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            boolean bFailed = !b.process().isAlive() && b.process().exitValue() != 0;
            if (bFailed || System.nanoTime() - deadline > 0) {
                a.kill();
                b.finish(1); // throws with B's stderr
                throw new IOException(a.label() + " still running after " + timeoutSeconds + " s, killed");
            }
        }
    }

    /** B's lines: {@code received rtt N} and {@code received SIZE N}. */
    private static Map<Integer, Long> received(String said) {
        Map<Integer, Long> received = new LinkedHashMap<>();
        for (String line : said.lines().toList()) {
            String[] w = line.strip().split(" ");
            if (w.length == 3 && w[0].equals("received")) {
                received.put(w[1].equals("rtt") ? -1 : Integer.parseInt(w[1]), Long.parseLong(w[2]));
            }
        }
        return received;
    }

    /** B checked every message on the way and that the count agrees with the end marker; here: it saw at least the timed ones. */
    private static void check(Transport transport, Outcome outcome) throws IOException {
        for (ResultFile.Entry e : outcome.entries()) {
            if (e.tag() == ResultFile.STREAM) {
                int size = (int) e.values()[0];
                Long got = outcome.received().get(size);
                if (got == null || got < e.values()[1]) {
                    throw new IOException(transport.label() + ": A timed " + e.values()[1] + " messages of " + size
                            + " B, B received only " + got);
                }
            }
        }
        if (!outcome.received().containsKey(-1)) {
            throw new IOException(transport.label() + ": B did not report its round trips");
        }
    }

    private static Path agronaFile(String name, long capacity) throws IOException {
        Path file = AgronaLink.file(name);
        try (RandomAccessFile f = new RandomAccessFile(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))).toFile(), "rw")) {
            f.setLength(AgronaLink.fileSize(capacity)); // zero-filled: an empty ring
        }
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String[] join(String[] head, String[] tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
