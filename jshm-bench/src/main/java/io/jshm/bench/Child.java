package io.jshm.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Java ends of a transport, each in a fresh JVM that the harness starts and pins. Both ends
 * follow the same script: a ping-pong phase, then one one-way stream per message size.
 * <pre>
 * Child a TRANSPORT PREFIX ADDRESS WARM_MS:COUNT LAT_MS:COUNT STREAM_WARM_MS:STREAM_MS VERIFY OUT SIZE...   (the driver)
 * Child b TRANSPORT PREFIX ADDRESS VERIFY SIZE...                           (echoes, consumes, checks)
 * Child ia INTERLEAVING PREFIX WARM_MS:COUNT LAT_MS:COUNT BLOCK STREAM_WARM_MS:STREAM_MS SEGMENTS OUT SIZE...   (interleaved, A)
 * Child ib INTERLEAVING PREFIX BLOCK SEGMENTS SIZE...        (interleaved, B)
 * Child lifecycle PREFIX OUT shared|confined SIZE:ITERATIONS...              (see RegionCosts)
 * Child copy PREFIX BUDGET_MS OUT SIZE...
 * </pre>
 * A writes its samples to OUT ({@link ResultFile}); B prints {@code received rtt N} and
 * {@code received SIZE N} for what it checked. Any damaged, lost or reordered message ends the
 * child with status 1 and a line on stderr.
 */
final class Child {
    /** At most this many round trips are recorded per child (16 MiB of samples). */
    static final int MAX_SAMPLES = 1 << 21;
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Ends ends;
    private final boolean verify;
    private final MemorySegment message;
    private final Link.Received got;

    private Child(Ends ends, boolean verify, int maxSize) {
        this.ends = ends;
        this.verify = verify;
        Arena arena = Arena.ofAuto();
        this.message = arena.allocate(Math.max(maxSize, Messages.PING_LENGTH), 64); // a cache line: every transport copies from the same alignment
        this.got = new Link.Received(verify ? arena.allocate(Math.max(maxSize, Messages.PING_LENGTH), 8) : null);
    }

    public static void main(String[] args) throws Exception {
        try {
            switch (args[0]) {
                case "a" -> driver(args);
                case "b" -> echo(args);
                case "ia" -> interleavedDriver(args);
                case "ib" -> interleavedEcho(args);
                case "lifecycle" -> RegionCosts.lifecycle(args[1], Path.of(args[2]), args[3].equals("confined"),
                        Arrays.stream(args, 4, args.length).mapToLong(a -> Long.parseLong(a.split(":")[0])).toArray(),
                        Arrays.stream(args, 4, args.length).mapToInt(a -> Integer.parseInt(a.split(":")[1])).toArray());
                case "copy" -> RegionCosts.copy(args[1], Long.parseLong(args[2]), Path.of(args[3]),
                        Arrays.stream(args, 4, args.length).mapToLong(Long::parseLong).toArray());
                default -> throw new IllegalArgumentException("unknown child role " + args[0]);
            }
        } catch (Exception | AssertionError e) {
            System.err.println("bench child " + String.join(" ", args) + ": " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static int[] sizes(String[] args, int from) {
        return Arrays.stream(args, from, args.length).mapToInt(Integer::parseInt).toArray();
    }

    private static void driver(String[] args) throws Exception {
        Transport transport = Transport.of(args[1]);
        int[] sizes = transport.streams() ? sizes(args, 9) : new int[0];
        int max = Arrays.stream(sizes).max().orElse(Messages.PING_LENGTH);
        ResultFile results = new ResultFile();
        try (Ends ends = Ends.open(transport, true, args[2], args[3], max > Ends.SMALL_MAX)) {
            Child a = new Child(ends, Boolean.parseBoolean(args[7]), max);
            long[] samples = new long[MAX_SAMPLES];
            String[] warm = args[4].split(":");
            String[] latency = args[5].split(":");
            int n = a.pingPong(Long.parseLong(warm[0]), Long.parseLong(warm[1]), Long.parseLong(latency[0]),
                    Long.parseLong(latency[1]), samples);
            results.add(ResultFile.RTT, samples, n);
            String[] stream = args[6].split(":");
            for (int size : sizes) {
                results.add(ResultFile.STREAM, a.stream(size, Long.parseLong(stream[0]), Long.parseLong(stream[1])));
            }
        }
        results.write(Path.of(args[8]));
    }

    private static void echo(String[] args) throws Exception {
        Transport transport = Transport.of(args[1]);
        int[] sizes = transport.streams() ? sizes(args, 5) : new int[0];
        int max = Arrays.stream(sizes).max().orElse(Messages.PING_LENGTH);
        try (Ends ends = Ends.open(transport, false, args[2], args[3], max > Ends.SMALL_MAX)) {
            Child b = new Child(ends, Boolean.parseBoolean(args[4]), max);
            System.out.println("received rtt " + b.pong());
            for (int size : sizes) {
                System.out.println("received " + size + " " + b.consume(size));
            }
        }
    }

    // ------------------------------------------------------------------ interleaved round trips

    /**
     * {@return the index, among {@code n} transports, of the one whose turn {@code slot} (a block
     * of round trips, or a timed stream) is} Slots come in rounds of one per transport. Round
     * {@code r} rotates the order by {@code r}, and every other lap of rotations runs it backwards,
     * so that over {@code 2n} rounds each transport has each place equally often and, for two or
     * three transports, follows each other one equally often: a transport that gains or loses by
     * what ran before it does so for all alike.
     */
    static int turn(long slot, int n) {
        long round = slot / n;
        int place = (int) (slot % n);
        if ((round / n) % 2 == 1) {
            place = n - 1 - place;
        }
        return (int) ((place + round) % n);
    }

    /**
     * Round trips, then one-way streams, over the transports of an {@link Interleaving} (a jshm
     * queue and its Agrona counterpart) from the same two processes, taking turns (see {@link #turn}), so that all
     * meet the same machine (on a shared VM a hypervisor's placement of the two vCPUs moves a
     * round trip between about 0.3 and 0.9 µs and a stream by as much, and changes over seconds;
     * separate processes run seconds apart meet it differently).
     * <ul>
     *   <li>Round trips in blocks of {@code BLOCK}: warm-up for at least {@code WARM_MS} and
     *       {@code COUNT} round trips of each, then at least {@code LAT_MS} and {@code COUNT} of
     *       each recorded (past three times that long, a tenth will do). A phase changes only at
     *       the start of a round of blocks, so all get as many blocks.</li>
     *   <li>Streams, per size: one untimed stream of {@code STREAM_WARM_MS} on each, then
     *       {@code SEGMENTS} timed streams of {@code STREAM_MS / SEGMENTS} on each, in turns.
     *       Short streams make the streams of a round meet the same machine, as the blocks of
     *       round trips do.</li>
     * </ul>
     * Writes one {@link ResultFile#RTT} record per transport, then per size one
     * {@link ResultFile#STREAM} record per transport (the segments summed), in the order of
     * {@link Interleaving#transports}, and one {@link ResultFile#PAIRS} record (each segment, in
     * the order run).
     */
    private static void interleavedDriver(String[] args) throws Exception {
        Interleaving which = Interleaving.valueOf(args[1]);
        String prefix = args[2];
        String[] warm = args[3].split(":");
        String[] latency = args[4].split(":");
        int block = Integer.parseInt(args[5]);
        String[] stream = args[6].split(":");
        int segments = Integer.parseInt(args[7]);
        int[] sizes = sizes(args, 9);
        long warmMillis = Long.parseLong(warm[0]);
        long warmCount = Long.parseLong(warm[1]);
        long millis = Long.parseLong(latency[0]);
        long count = Long.parseLong(latency[1]);
        int max = Arrays.stream(sizes).max().orElse(Messages.PING_LENGTH);
        int t = which.transports().size();
        ResultFile results = new ResultFile();
        List<Ends> opened = new ArrayList<>();
        try {
            Child[] ends = interleavedEnds(which, true, prefix, max, opened);
            long[][] samples = new long[t][MAX_SAMPLES];
            int[] n = new int[t];
            boolean recording = false;
            long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmMillis);
            long end = 0;
            long cap = 0;
            long i = 0;
            for (; ; i++) {
                int k = turn(i / block, t);
                if (i % ((long) t * block) == 0) {
                    long now = System.nanoTime();
                    int fewest = Arrays.stream(n).min().orElse(0);
                    if (!recording && i >= t * warmCount && now - warmEnd >= 0) {
                        recording = true;
                        end = now + TimeUnit.MILLISECONDS.toNanos(millis);
                        cap = now + TimeUnit.MILLISECONDS.toNanos(3 * millis);
                    } else if (recording && ((now - end >= 0 && fewest >= count) || (now - cap >= 0 && fewest * 10L >= count)
                            || Arrays.stream(n).max().orElse(0) + block > MAX_SAMPLES)) {
                        break;
                    }
                }
                long nanos = ends[k].roundTrip(i);
                if (recording) {
                    samples[k][n[k]++] = nanos;
                }
            }
            Child last = ends[turn(i / block, t)];
            Messages.control(last.message, Messages.END, 0);
            last.ends.out(Messages.PING_LENGTH).send(last.message, Messages.CONTROL_LENGTH);
            for (int k = 0; k < t; k++) {
                results.add(ResultFile.RTT, samples[k], n[k]);
            }

            long streamWarm = Long.parseLong(stream[0]);
            long segmentMillis = Math.max(1, Long.parseLong(stream[1]) / segments);
            for (int size : sizes) {
                long[][] sums = new long[t][];
                for (int k = 0; k < t; k++) {
                    sums[k] = new long[] {size, 0, 0};
                }
                long[] each = new long[1 + 2 * t * segments];
                each[0] = size;
                for (Child c : ends) {
                    c.stream(size, streamWarm, 1); // untimed: the JIT's turn
                }
                for (int segment = 0; segment < t * segments; segment++) {
                    int k = turn(segment, t);
                    long[] r = ends[k].stream(size, 0, segmentMillis);
                    sums[k][1] += r[1];
                    sums[k][2] += r[2];
                    each[1 + 2 * segment] = r[1];
                    each[2 + 2 * segment] = r[2];
                }
                for (long[] sum : sums) {
                    results.add(ResultFile.STREAM, sum);
                }
                results.add(ResultFile.PAIRS, each);
            }
        } finally {
            Pair.remove(opened, List.of());
        }
        results.write(Path.of(args[8]));
    }

    /** B of {@link #interleavedDriver}: echoes, then drains the streams, on the transport whose turn it is. */
    private static void interleavedEcho(String[] args) throws Exception {
        Interleaving which = Interleaving.valueOf(args[1]);
        String prefix = args[2];
        int block = Integer.parseInt(args[3]);
        int segments = Integer.parseInt(args[4]);
        int[] sizes = sizes(args, 5);
        int max = Arrays.stream(sizes).max().orElse(Messages.PING_LENGTH);
        List<Ends> opened = new ArrayList<>();
        try {
            Child[] ends = interleavedEnds(which, false, prefix, max, opened);
            int t = ends.length;
            for (long i = 0; ; i++) {
                Child c = ends[turn(i / block, t)];
                c.await(c.ends.in(Messages.PING_LENGTH));
                if (c.got.first == Messages.END) {
                    System.out.println("received rtt " + i);
                    break;
                }
                c.check(i, Messages.PING_LENGTH);
                c.prepare(i, Messages.PING_LENGTH);
                c.ends.out(Messages.PING_LENGTH).send(c.message, Messages.PING_LENGTH);
            }
            for (int size : sizes) {
                long received = 0;
                for (Child c : ends) {
                    received += c.consume(size);
                }
                for (int segment = 0; segment < t * segments; segment++) {
                    received += ends[turn(segment, t)].consume(size);
                }
                System.out.println("received " + size + " " + received);
            }
        } finally {
            Pair.remove(opened, List.of());
        }
    }

    /**
     * Opens end A or B of each transport of {@code which}, adding each to {@code opened} (for the
     * caller to close, also if a later one fails). {@return a child per transport}
     */
    private static Child[] interleavedEnds(Interleaving which, boolean a, String prefix, int max, List<Ends> opened)
            throws IOException, InterruptedException {
        List<Transport> transports = which.transports();
        Child[] ends = new Child[transports.size()];
        for (int k = 0; k < ends.length; k++) {
            Ends e = Ends.open(transports.get(k), a, prefix, "-", max > Ends.SMALL_MAX);
            opened.add(e);
            ends[k] = new Child(e, false, max);
        }
        return ends;
    }

    /** One round trip of ping {@code seq}, checked. {@return its nanoseconds} */
    private long roundTrip(long seq) throws IOException {
        long t0 = System.nanoTime();
        prepare(seq, Messages.PING_LENGTH);
        ends.out(Messages.PING_LENGTH).send(message, Messages.PING_LENGTH);
        await(ends.in(Messages.PING_LENGTH));
        long t1 = System.nanoTime();
        check(seq, Messages.PING_LENGTH);
        return t1 - t0;
    }

    // ------------------------------------------------------------------ A: the driver

    /**
     * Warms up for at least {@code warmMillis} and {@code warmCount} round trips, then records at
     * least {@code millis} and {@code count} of them (after three times {@code millis}, a tenth
     * of {@code count} will do).
     * {@return how many round trips were recorded into {@code samples}}
     */
    private int pingPong(long warmMillis, long warmCount, long millis, long count, long[] samples) throws IOException {
        Link out = ends.out(Messages.PING_LENGTH);
        Link in = ends.in(Messages.PING_LENGTH);
        long start = System.nanoTime();
        long warmEnd = start + TimeUnit.MILLISECONDS.toNanos(warmMillis);
        long recordFrom = -1;
        long end = 0;
        long cap = 0;
        int n = 0;
        for (long i = 0; ; i++) {
            long t0 = System.nanoTime();
            if (recordFrom < 0 && i >= warmCount && t0 - warmEnd >= 0) {
                recordFrom = i;
                end = t0 + TimeUnit.MILLISECONDS.toNanos(millis);
                cap = t0 + TimeUnit.MILLISECONDS.toNanos(3 * millis);
            }
            if (recordFrom >= 0 && ((t0 - end >= 0 && n >= count) || (t0 - cap >= 0 && n * 10L >= count)
                    || n == samples.length)) {
                break;
            }
            prepare(i, Messages.PING_LENGTH);
            out.send(message, Messages.PING_LENGTH);
            await(in);
            long t1 = System.nanoTime();
            check(i, Messages.PING_LENGTH);
            if (recordFrom >= 0) {
                samples[n++] = t1 - t0;
            }
        }
        Messages.control(message, Messages.END, 0);
        out.send(message, Messages.CONTROL_LENGTH);
        return n;
    }

    /**
     * Streams messages of {@code size} bytes for {@code warmMillis} untimed, then {@code millis}
     * timed, from message {@code from} on. The warm-up is as long as the round trips' because a new
     * size is new work for the JIT: code compiled for the sizes before it may be thrown away
     * (jshm's copy goes through {@code MemorySegment.copy}, whose JDK code branches on the size)
     * and compiled again, which takes a few hundred milliseconds when the compiler shares its core
     * with the spinning thread. {@return size, messages timed (sent after {@code from}), ns from
     * then to B's acknowledgement of the last}
     */
    private long[] stream(int size, long warmMillis, long millis) throws IOException {
        Link out = ends.out(size);
        Link in = ends.in(Messages.CONTROL_LENGTH);
        await(in);
        expectControl(Messages.READY, 0);
        long first = System.nanoTime();
        long warmEnd = first + TimeUnit.MILLISECONDS.toNanos(warmMillis);
        long end = warmEnd + TimeUnit.MILLISECONDS.toNanos(millis);
        long start = 0;
        long from = -1;
        long count = 0;
        while (true) {
            if ((count & 63) == 0) {
                long now = System.nanoTime();
                if (from < 0 && now - warmEnd >= 0) {
                    from = count;
                    start = now;
                }
                if (now - end >= 0 && from >= 0 && count > from) {
                    break; // at least 64 messages timed
                }
            }
            prepare(count, size);
            out.send(message, size);
            count++;
        }
        Messages.control(message, Messages.END, count);
        out.send(message, Messages.CONTROL_LENGTH);
        await(in);
        long nanos = System.nanoTime() - start;
        expectControl(Messages.DONE, count);
        return new long[] {size, count - from, nanos};
    }

    // ------------------------------------------------------------------ B: echo and consumer

    /** {@return how many pings were answered} */
    private long pong() throws IOException {
        Link in = ends.in(Messages.PING_LENGTH);
        Link out = ends.out(Messages.PING_LENGTH);
        for (long i = 0; ; i++) {
            await(in);
            if (got.first == Messages.END) {
                return i;
            }
            check(i, Messages.PING_LENGTH);
            prepare(i, Messages.PING_LENGTH);
            out.send(message, Messages.PING_LENGTH);
        }
    }

    /** The consumer's state while it drains a stream (see {@link #consume}). */
    private long expected;
    private int streamSize;
    private boolean ended;
    private final Runnable onMessage = this::onMessage;

    /** Polls at most this many messages at a time, as a consumer of a queue would. */
    static final int BATCH = 256;

    /**
     * Drains one stream in batches of up to {@link #BATCH}. {@return how many messages of
     * {@code size} bytes arrived intact, in order, before the end marker}
     */
    private long consume(int size) throws IOException {
        Link in = ends.in(size);
        Link back = ends.out(Messages.CONTROL_LENGTH);
        expected = 0;
        streamSize = size;
        ended = false;
        Messages.control(message, Messages.READY, 0);
        back.send(message, Messages.CONTROL_LENGTH);
        long spins = 0;
        long since = 0;
        while (!ended) {
            if (in.poll(got, onMessage, BATCH) > 0) {
                since = 0;
            } else {
                Thread.onSpinWait();
                if ((++spins & 0xFFFFF) == 0) {
                    since = stuck(since, "no message of " + size + " B (" + expected + " so far)");
                }
            }
        }
        Messages.control(message, Messages.DONE, expected);
        back.send(message, Messages.CONTROL_LENGTH);
        return expected;
    }

    private void onMessage() {
        if (got.first == Messages.END) {
            if (got.second != expected) {
                throw new IllegalStateException("the end marker says " + got.second + " messages of " + streamSize
                        + " B were sent, " + expected + " arrived");
            }
            ended = true;
        } else {
            check(expected++, streamSize);
        }
    }

    // ------------------------------------------------------------------ both

    private void prepare(long seq, int length) {
        Messages.stamp(message, seq, length);
        if (verify) {
            Messages.fill(message, seq, length);
        }
    }

    /**
     * The watchdog of a spinning wait, called every million spins without progress.
     * {@return when the wait began (now, if {@code since} is 0)}
     *
     * @throws IllegalStateException {@code what}, once the wait has lasted {@link #STUCK_NANOS}
     */
    private static long stuck(long since, String what) {
        long now = System.nanoTime();
        if (since == 0) {
            return now;
        }
        if (now - since > STUCK_NANOS) {
            throw new IllegalStateException(what + " for 60 s");
        }
        return since;
    }

    private void await(Link in) throws IOException {
        long spins = 0;
        long since = 0;
        while (!in.poll(got)) {
            Thread.onSpinWait();
            if ((++spins & 0xFFFFF) == 0) {
                since = stuck(since, "nothing arrived");
            }
        }
    }

    private void check(long seq, int length) {
        if (got.length != length || got.first != seq || got.last != seq) {
            throw new IllegalStateException("message " + seq + " damaged or out of order: length " + got.length
                    + " (expected " + length + "), first word " + got.first + ", last word " + got.last);
        }
        if (verify) {
            int bad = Messages.firstDamaged(got.copy, seq, length);
            if (bad >= 0) {
                throw new IllegalStateException("message " + seq + " of " + length + " B damaged at byte " + bad);
            }
        }
    }

    private void expectControl(long kind, long value) {
        if (got.first != kind || got.second != value) {
            throw new IllegalStateException("expected control message " + kind + " (" + value + "), got "
                    + got.first + " (" + got.second + ")");
        }
    }
}
