package io.jshm.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Everything a run measured, summed over its recorded rounds: raw samples go into HdrHistograms
 * (nanoseconds, three significant digits, so a percentile is within 0.1% of the sample it
 * stands for); streams add up messages and nanoseconds. Filled by one thread, the harness's.
 */
final class Results {
    static final String LIFE_JSHM = "jshm";
    /** jshm with {@code SharedMemoryOptions.withConfined(true)}: no arena handshake at close. */
    static final String LIFE_JSHM_CONFINED = "jshm, confined handle";
    static final String LIFE_C = "C (shm_open, ftruncate, mmap)";
    static final String LIFE_PYTHON = "Python shared_memory";
    static final String COPY_NATIVE = "jshm copy from native";
    static final String COPY_HEAP = "jshm copy from heap";
    static final String COPY_C = "C memcpy";

    final Plan plan;
    final Map<Transport, Histogram> roundTrips = new EnumMap<>(Transport.class);
    /** The interleaved parts' round trips, per part, then transport. */
    final Map<Interleaving, Map<Transport, Histogram>> interleaved = new EnumMap<>(Interleaving.class);
    /** The interleaved parts' streams, per part, then as {@link #streams}. */
    final Map<Interleaving, Map<Transport, Map<Integer, long[]>>> interleavedStreams = new EnumMap<>(Interleaving.class);
    /**
     * The interleaved parts' ratios of their jshm transport to its Agrona ring ({@link #pairedKey}):
     * {@link #RATIO_RTT}, one per recorded round (fresh processes and rings each); then per message
     * size (throughput), one per round of timed streams, and ({@link #PER_ROUND}) the median of
     * those, one per recorded round: at 64 B the figure moves most between pairs of processes
     * (decision 62), so a verdict needs many rounds, and this row shows their spread.
     */
    final Map<String, List<Double>> interleavedPaired = new LinkedHashMap<>();
    static final String RATIO_RTT = "round trip p50";
    /** After {@link #throughputRatio}: the row of each recorded round's median. */
    static final String PER_ROUND = ", median per round";
    /** transport, then message size: {messages, nanoseconds}. */
    final Map<Transport, Map<Integer, long[]>> streams = new EnumMap<>(Transport.class);
    /** implementation, then region size: create-to-unlink samples. */
    final Map<String, Map<Long, Histogram>> lifecycle = new LinkedHashMap<>();
    /** implementation, then copy size: ns per sample ({@link RegionCosts#copiesPerSample} copies). */
    final Map<String, Map<Long, Histogram>> copy = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    Results(Plan plan) {
        this.plan = plan;
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    }

    void add(Transport t, Pair.Outcome outcome) {
        for (ResultFile.Entry e : outcome.entries()) {
            add(e, t, roundTrips, streams);
        }
    }

    /**
     * Adds the records of interleaved part {@code which}: round trips, then streams, each kind in
     * the order of {@link Interleaving#transports}, and the ratios of its jshm transport to its
     * Agrona ring: per round trip record (one a round of the harness) and per round of timed streams
     * (one stream of each transport, run one after the other).
     */
    void addInterleaved(Interleaving which, Pair.Outcome outcome) {
        Transport[] order = which.transports().toArray(Transport[]::new);
        int agrona = which.transports().indexOf(which.agrona());
        Map<Transport, Histogram> rtts = interleaved.computeIfAbsent(which, k -> new EnumMap<>(Transport.class));
        Map<Transport, Map<Integer, long[]>> rates = interleavedStreams.computeIfAbsent(which, k -> new EnumMap<>(Transport.class));
        int rtt = 0;
        int stream = 0;
        double[] p50 = new double[order.length];
        List<ResultFile.Entry> pairs = new ArrayList<>();
        for (ResultFile.Entry e : outcome.entries()) {
            long[] v = e.values();
            if (e.tag() == ResultFile.PAIRS) {
                pairs.add(e);
                continue;
            }
            int k = (e.tag() == ResultFile.RTT ? rtt++ : stream++) % order.length;
            add(e, order[k], rtts, rates);
            if (e.tag() == ResultFile.RTT && v.length > 0) {
                long[] sorted = v.clone();
                java.util.Arrays.sort(sorted);
                p50[k] = sorted[(sorted.length - 1) / 2];
            }
        }
        for (int k = 0; k < order.length; k++) {
            if (k != agrona && p50[k] > 0 && p50[agrona] > 0) {
                paired(order[k], RATIO_RTT).add(p50[k] / p50[agrona]);
            }
        }
        for (ResultFile.Entry e : pairs) {
            // messages and ns per timed stream, in the order run: stream s at (1 + 2s, 2 + 2s), of transport Child.turn
            long[] v = e.values();
            int rounds = (v.length - 1) / 2 / order.length;
            List<List<Double>> ofThisRun = new ArrayList<>(); // per transport: its pairs in this run of the part (one recorded round)
            for (int k = 0; k < order.length; k++) {
                ofThisRun.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                double[] rate = new double[order.length];
                for (int s = round * order.length; s < (round + 1) * order.length; s++) {
                    long messages = v[1 + 2 * s];
                    long nanos = v[2 + 2 * s];
                    rate[Child.turn(s, order.length)] = messages > 0 && nanos > 0 ? (double) messages / nanos : 0;
                }
                for (int k = 0; k < order.length; k++) {
                    if (k != agrona && rate[k] > 0 && rate[agrona] > 0) {
                        paired(order[k], throughputRatio(v[0])).add(rate[k] / rate[agrona]);
                        ofThisRun.get(k).add(rate[k] / rate[agrona]);
                    }
                }
            }
            for (int k = 0; k < order.length; k++) {
                if (!ofThisRun.get(k).isEmpty()) {
                    paired(order[k], throughputRatio(v[0]) + PER_ROUND).add(Tables.median(Tables.sorted(ofThisRun.get(k))));
                }
            }
        }
    }

    /** {@return the ratios of {@code t} to its Agrona ring in {@link #interleavedPaired} for {@code what}} */
    private List<Double> paired(Transport t, String what) {
        return interleavedPaired.computeIfAbsent(pairedKey(t, what), key -> new ArrayList<>());
    }

    /**
     * {@return the key of {@link #interleavedPaired} for {@code what} ({@link #RATIO_RTT}, or
     * {@link #throughputRatio}) of {@code t}}: jshm SPSC's bare, another's after its label.
     */
    static String pairedKey(Transport t, String what) {
        return t == Transport.JSHM_SPSC ? what : t.label() + ": " + what;
    }

    /** {@return the key of {@link #interleavedPaired} for the throughput of {@code size}-byte messages} */
    static String throughputRatio(long size) {
        return Tables.sizeLabel(size) + " throughput";
    }

    /** Adds a round-trip record's samples, or a stream record's messages and nanoseconds, for {@code t}. */
    private static void add(ResultFile.Entry e, Transport t, Map<Transport, Histogram> rtts,
                            Map<Transport, Map<Integer, long[]>> streams) {
        long[] v = e.values();
        if (e.tag() == ResultFile.RTT) {
            Histogram h = rtts.computeIfAbsent(t, k -> histogram());
            for (long sample : v) {
                h.recordValue(sample);
            }
        } else if (e.tag() == ResultFile.STREAM) {
            long[] sum = streams.computeIfAbsent(t, k -> new LinkedHashMap<>()).computeIfAbsent((int) v[0], k -> new long[2]);
            sum[0] += v[1];
            sum[1] += v[2];
        }
    }

    void addLifecycle(String implementation, List<ResultFile.Entry> entries) {
        for (ResultFile.Entry e : entries) {
            if (e.tag() == ResultFile.LIFECYCLE) {
                record(lifecycle, implementation, e.values()[0], e.values(), 1);
            }
        }
    }

    void addCopy(List<ResultFile.Entry> entries, String nativeName, String heapName) {
        for (ResultFile.Entry e : entries) {
            if (e.tag() == ResultFile.COPY) {
                record(copy, e.values()[1] == 0 ? nativeName : heapName, e.values()[0], e.values(), 2);
            }
        }
    }

    private static void record(Map<String, Map<Long, Histogram>> into, String implementation, long size, long[] values,
                               int from) {
        Histogram h = into.computeIfAbsent(implementation, k -> new LinkedHashMap<>()).computeIfAbsent(size, k -> histogram());
        for (int i = from; i < values.length; i++) {
            h.recordValue(Math.max(1, values[i]));
        }
    }
}
