package io.jshm.bench;

import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongUnaryOperator;

/**
 * {@code bench aa}: how finely the interleaved part can tell two queues apart on this machine.
 * Two copies of the same jshm SPSC code, each loaded with jshm-core by a class loader of its own
 * (so the JIT compiles them apart, as it compiles jshm and Agrona apart) and each with its own
 * ring, stream in turn with Agrona's {@code OneToOneRingBuffer} from one pair of pinned processes:
 * rounds of three streams of {@code --segment-ms} each, the order permuted from round to round.
 * Copy B ÷ copy A is 1 for a perfect harness; its spread over the rounds is what a jshm ÷ Agrona
 * ratio from the same harness carries beside the queues' own difference (decision 51). With
 * {@code --short-lap BYTES}, copy B's producer has short laps on ({@link SharedQueue#setShortLap},
 * decision 52), and copy B ÷ copy A is what they change. With {@code --mpsc}, the two copies are
 * MPSC queues and Agrona's ring is {@code ManyToOneRingBuffer} (decision 61). With
 * {@code --b-core JAR}, copy B's jshm-core is that jar (or classes directory), another build of
 * it with the same queue layout, and copy B ÷ copy A is what that build's change does;
 * {@code --a-core JAR} does the same for copy A, so that a change can be run as either copy. With
 * {@code --lanes N} (and {@code --mpsc}), copy B's queue has N lanes (decision 63), and copy B ÷
 * copy A is what they do for one producer.
 */
final class AaCheck {
    private AaCheck() {
    }

    static final String USAGE = "usage: bench aa [--size BYTES] [--rounds N] [--segment-ms N] [--short-lap BYTES] [--mpsc]"
            + " [--a-core JAR] [--b-core JAR] [--lanes N]%n"
            + "  (64, 150 after the warm-up, 20, 0: off)%n"
            + "  two copies of jshm SPSC (one code, two class loaders) and Agrona OneToOne, streaming in turn;%n"
            + "  --short-lap turns short laps on for copy B; --mpsc makes them MPSC and Agrona ManyToOne;%n"
            + "  --b-core loads copy B's jshm-core from JAR (or a classes directory), another build of it%n"
            + "  (same queue layout), --a-core copy A's; --lanes gives copy B's MPSC queue N lanes%n";
    private static final long RING = 1 << 20;
    /** Rounds in the first this many milliseconds are a warm-up (the JIT's turn), not reported. */
    private static final long WARM_MILLIS = 1500;
    /** The order of the three transports (0 copy A, 1 copy B, 2 Agrona) in each round, cycling. */
    private static final int[][] ORDERS = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}, {0, 2, 1}, {1, 0, 2}};
    private static final VarHandle DONE = ValueLayout.JAVA_LONG.varHandle();

    /** What {@code bench aa} was asked for; a null core is this build's jshm-core. */
    record Options(int size, int rounds, long segmentMillis, long shortLap, boolean mpsc, Path aCore, Path bCore,
                   int lanes) {
    }

    /** {@return the exit status: 0 done, 1 failed, 2 usage} */
    static int main(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench aa: " + e.getMessage());
            err.printf(USAGE);
            return 2;
        }
        if (options == null) {
            out.printf(USAGE);
            return 0;
        }
        try {
            out.print(run(options));
            return 0;
        } catch (BadShortLap e) {
            err.println("bench aa: " + e.getCause().getMessage());
            err.printf(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("bench aa: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench aa: interrupted");
            return 1;
        }
    }

    /**
     * {@return the options {@code args} ask for, or null for help}
     *
     * @throws IllegalArgumentException saying what is wrong with them
     */
    static Options parse(String[] args) {
        int size = 64;
        int rounds = 0;
        long segmentMillis = Pair.INTERLEAVED_SEGMENT_MILLIS;
        long shortLap = 0;
        boolean mpsc = false;
        Path aCore = null;
        Path bCore = null;
        int lanes = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--segment-ms" -> segmentMillis = Long.parseLong(value(args, ++i));
                case "--short-lap" -> shortLap = Long.parseLong(value(args, ++i));
                case "--mpsc" -> mpsc = true;
                case "--a-core" -> aCore = core(args[i], value(args, ++i));
                case "--b-core" -> bCore = core(args[i], value(args, ++i));
                case "--lanes" -> lanes = Integer.parseInt(value(args, ++i));
                case "-h", "--help" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (segmentMillis < 1 || size < Messages.CONTROL_LENGTH || size > RING / 8) {
            throw new IllegalArgumentException("needs --size 16.." + RING / 8 + " and --segment-ms 1 or more");
        }
        if (lanes != 0 && !mpsc) {
            throw new IllegalArgumentException("--lanes is for MPSC queues: with --mpsc");
        }
        if (mpsc && shortLap != 0) {
            throw new IllegalArgumentException("--short-lap is for SPSC queues, not with --mpsc");
        }
        rounds = rounds == 0 ? warmRounds(segmentMillis) + 150 : rounds;
        if (rounds <= warmRounds(segmentMillis)) {
            throw new IllegalArgumentException("--rounds must be over the " + warmRounds(segmentMillis)
                    + " rounds of warm-up (" + WARM_MILLIS + " ms)");
        }
        return new Options(size, rounds, segmentMillis, shortLap, mpsc, aCore, bCore, lanes);
    }

    /** {@return the jshm-core jar or classes directory {@code path}, absolute} */
    private static Path core(String option, String path) {
        Path core = Path.of(path).toAbsolutePath();
        if (!Files.exists(core)) {
            throw new IllegalArgumentException(option + " " + core + ": no such jar or directory");
        }
        return core;
    }

    /** {@return how many rounds of three segments fill {@link #WARM_MILLIS}} */
    static int warmRounds(long segmentMillis) {
        return (int) Math.max(2, (WARM_MILLIS + 3 * segmentMillis - 1) / (3 * segmentMillis));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** A {@code --short-lap} that {@link SharedQueue#setShortLap} refused: a usage error. */
    private static final class BadShortLap extends RuntimeException {
        BadShortLap(IllegalArgumentException cause) {
            super(cause);
        }
    }

    /** Makes the rings, runs the two ends, and {@return the report} */
    static String run(Options o) throws IOException, InterruptedException {
        String prefix = "bench-aa-" + ProcessHandle.current().pid();
        Path dir = Files.createTempDirectory("jshm-bench-aa-");
        Path agrona = AgronaLink.file(prefix + "-agrona"); // named with the prefix: removed if interrupted
        Path out = dir.resolve("a.res");
        Runnable cleanup = () -> Bench.removeRegions(prefix);
        Processes.atShutdown(cleanup);
        // held open while the ends run: the last close removes them (and an interrupted run's cleanup)
        QueueType type = o.mpsc() ? QueueType.MPSC : QueueType.SPSC;
        try (SharedQueue a = SharedQueue.create(prefix + "-A", RING, type);
             SharedQueue b = o.mpsc() ? SharedQueue.createMpsc(prefix + "-B", RING, o.lanes(), SharedMemoryOptions.defaults())
                     : SharedQueue.create(prefix + "-B", RING, type);
             SharedMemory control = SharedMemory.create(prefix + "-control", 4096)) {
            try {
                if (!o.mpsc()) {
                    b.setShortLap(o.shortLap()); // checks it, before the ends start: only the producer's own handle uses it
                }
            } catch (IllegalArgumentException e) {
                throw new BadShortLap(e);
            }
            try (RandomAccessFile f = new RandomAccessFile(agrona.toFile(), "rw")) {
                f.setLength(AgronaLink.fileSize(RING)); // zero-filled: an empty ring
            }
            String[] common = {prefix, Integer.toString(o.size()), Integer.toString(o.rounds()),
                    Long.toString(o.segmentMillis()), Long.toString(o.shortLap()), orEmpty(o.aCore()), orEmpty(o.bCore())};
            List<String> producer = Processes.javaMain(AaCheck.class, join("p", common, out.toString()));
            List<String> consumer = Processes.javaMain(AaCheck.class, join("c", common, ""));
            long timeout = 120 + 3L * o.rounds() * o.segmentMillis() * 3 / 1000;
            Pair.runTwo("A/A check", producer, consumer, dir, timeout);
            return report(ResultFile.read(out), o);
        } finally {
            Files.deleteIfExists(agrona);
            Processes.done(cleanup);
            Bench.removeAll(dir);
        }
    }

    private static String orEmpty(Path path) {
        return path == null ? "" : path.toString();
    }

    private static String[] join(String role, String[] common, String last) {
        List<String> all = new ArrayList<>(List.of(role));
        all.addAll(Arrays.asList(common));
        if (!last.isEmpty()) {
            all.add(last);
        }
        return all.toArray(String[]::new);
    }

    /** The ratios per round after the warm-up: B ÷ A, A ÷ Agrona, B ÷ Agrona. */
    static String report(List<ResultFile.Entry> entries, Options o) {
        int rounds = o.rounds();
        double[][] rate = new double[rounds][3];
        for (ResultFile.Entry e : entries) {
            long[] v = e.values(); // round, transport, messages, ns
            rate[(int) v[0]][(int) v[1]] = (double) v[2] / v[3];
        }
        int warm = warmRounds(o.segmentMillis());
        double[][] ratios = new double[3][rounds - warm];
        for (int r = warm; r < rounds; r++) {
            ratios[0][r - warm] = rate[r][1] / rate[r][0];
            ratios[1][r - warm] = rate[r][0] / rate[r][2];
            ratios[2][r - warm] = rate[r][1] / rate[r][2];
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "A/A check, %s messages: %d rounds of three %d ms streams (jshm %s copy A, copy B: %s, two"
                        + " class loaders; Agrona %s, loaded alike), the order permuted each round, the first %d a warm-up%n"
                        + "%-42s%10s%10s%10s%n", Tables.sizeLabel(o.size()), rounds, o.segmentMillis(),
                o.mpsc() ? "MPSC" : "SPSC", o.aCore() == null && o.bCore() == null ? "the same code" : "two builds",
                o.mpsc() ? "ManyToOne" : "OneToOne", warm, "", "median", "p10", "p90"));
        String a1 = "copy A";
        String b1 = o.shortLap() == 0 ? "copy B" : "copy B, short laps of " + o.shortLap();
        StringBuilder cores = new StringBuilder();
        if (o.aCore() != null) {
            cores.append(String.format(Locale.ROOT, "copy A: jshm-core from %s%n", o.aCore()));
            a1 += " (other core)";
        }
        if (o.bCore() != null) {
            cores.append(String.format(Locale.ROOT, "copy B: jshm-core from %s%n", o.bCore()));
            b1 += " (other core)";
        }
        b.insert(0, cores);
        if (o.lanes() != 0) {
            b1 += ", " + o.lanes() + " lanes";
        }
        boolean same = o.shortLap() == 0 && o.aCore() == null && o.bCore() == null && o.lanes() == 0;
        String[] names = {b1 + " ÷ " + a1 + (same ? " (ideally 1)" : ""), a1 + " ÷ Agrona", b1 + " ÷ Agrona"};
        for (int i = 0; i < 3; i++) {
            double[] sorted = ratios[i].clone();
            Arrays.sort(sorted);
            b.append(String.format(Locale.ROOT, "%-42s%10.3f%10.3f%10.3f%n", names[i], Tables.median(sorted),
                    Tables.rank(sorted, 0.1), Tables.rank(sorted, 0.9)));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ the two ends

    /**
     * {@code AaCheck p|c PREFIX SIZE ROUNDS SEGMENT_MS SHORT_LAP A_CORE B_CORE [OUT]}: the producer
     * (timing, writing OUT) or the consumer; A_CORE and B_CORE are the copies' jshm-core jars, or
     * empty for this one's. The queues say their type themselves; Agrona's ring is read as the
     * copies' type says.
     */
    public static void main(String[] args) throws Exception {
        String prefix = args[1];
        int size = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        long segmentMillis = Long.parseLong(args[4]);
        long shortLap = Long.parseLong(args[5]);
        URL aCore = args[6].isEmpty() ? location(SharedQueue.class) : Path.of(args[6]).toUri().toURL();
        URL bCore = args[7].isEmpty() ? location(SharedQueue.class) : Path.of(args[7]).toUri().toURL();
        boolean mpsc;
        try (SharedQueue a = SharedQueue.open(prefix + "-A")) {
            mpsc = a.type() == QueueType.MPSC;
        }
        LongUnaryOperator[] ends = {
                load(AaCopy.class, aCore, prefix + "-A", size, 0),
                load(AaCopy.class, bCore, prefix + "-B", size, shortLap),
                load(AaAgrona.class, location(RingBuffer.class), AgronaLink.file(prefix + "-agrona").toString(), size,
                        mpsc ? AaAgrona.MANY_TO_ONE : 0)};
        try (SharedMemory control = SharedMemory.open(prefix + "-control")) {
            MemorySegment done = control.segment();
            if (args[0].equals("c")) {
                consume(ends, done, rounds);
            } else {
                produce(ends, done, rounds, segmentMillis).write(Path.of(args[8]));
            }
        } finally {
            for (LongUnaryOperator end : ends) {
                end.applyAsLong(AaEnd.CLOSE);
            }
        }
        System.out.println("done");
    }

    /**
     * Loads {@code end} (a class of this jar) afresh, with the library at {@code library}, by a
     * loader that sees nothing of this one's; {@return the end, made with {@code arg},
     * {@code size} and {@code shortLap}}
     */
    private static LongUnaryOperator load(Class<?> end, URL library, String arg, int size, long shortLap)
            throws Exception {
        URL[] urls = {library, location(end)};
        URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        return (LongUnaryOperator) loader.loadClass(end.getName()).getConstructor(String.class, Integer.class, Long.class)
                .newInstance(arg, size, shortLap);
    }

    private static URL location(Class<?> c) throws URISyntaxException, IOException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
    }

    private static int transport(int segment) {
        return ORDERS[(segment / 3) % ORDERS.length][segment % 3];
    }

    private static void consume(LongUnaryOperator[] ends, MemorySegment done, int rounds) {
        for (int segment = 0; segment < 3 * rounds; segment++) {
            LongUnaryOperator end = ends[transport(segment)];
            long n;
            while ((n = end.applyAsLong(AaEnd.POLL)) >= 0) {
                if (n == 0) {
                    Thread.onSpinWait();
                }
            }
            DONE.setRelease(done, 0L, segment + 1L);
        }
    }

    private static ResultFile produce(LongUnaryOperator[] ends, MemorySegment done, int rounds, long segmentMillis) {
        ResultFile results = new ResultFile();
        for (int segment = 0; segment < 3 * rounds; segment++) {
            int k = transport(segment);
            LongUnaryOperator end = ends[k];
            long start = System.nanoTime();
            long stop = start + segmentMillis * 1_000_000L;
            long n = 0;
            while (n == 0 || (n & 63) != 0 || System.nanoTime() - stop < 0) { // 64 at least
                while (end.applyAsLong(AaEnd.SEND) == 0) {
                    Thread.onSpinWait();
                }
                n++;
            }
            while (end.applyAsLong(AaEnd.END) == 0) {
                Thread.onSpinWait();
            }
            while ((long) DONE.getAcquire(done, 0L) != segment + 1) {
                Thread.onSpinWait();
            }
            results.add(ResultFile.STREAM, segment / 3, k, n, System.nanoTime() - start);
        }
        return results;
    }
}
