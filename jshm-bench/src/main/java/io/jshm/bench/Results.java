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
    static final String LIFE_C = "C (shm_open, ftruncate, mmap)";
    static final String LIFE_PYTHON = "Python shared_memory";
    static final String COPY_NATIVE = "jshm copy from native";
    static final String COPY_HEAP = "jshm copy from heap";
    static final String COPY_C = "C memcpy";

    final Plan plan;
    final Map<Transport, Histogram> roundTrips = new EnumMap<>(Transport.class);
    /** The interleaved part's round trips, per transport of {@link Child#INTERLEAVED}. */
    final Map<Transport, Histogram> interleaved = new EnumMap<>(Transport.class);
    /** The interleaved part's streams, as {@link #streams}. */
    final Map<Transport, Map<Integer, long[]>> interleavedStreams = new EnumMap<>(Transport.class);
    /**
     * The interleaved part's ratios of jshm SPSC to Agrona OneToOne: {@link #RATIO_RTT}, one per
     * recorded round (fresh processes and rings each); then per message size (throughput), one
     * per pair of adjacent timed streams.
     */
    final Map<String, List<Double>> interleavedPaired = new LinkedHashMap<>();
    static final String RATIO_RTT = "round trip p50";
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
     * Adds the interleaved part's records: round trips, then streams, each kind in
     * {@link Child#INTERLEAVED} order.
     */
    void addInterleaved(Pair.Outcome outcome) {
        int rtt = 0;
        int stream = 0;
        double[] p50 = new double[2];
        List<ResultFile.Entry> pairs = new ArrayList<>();
        for (ResultFile.Entry e : outcome.entries()) {
            long[] v = e.values();
            if (e.tag() == ResultFile.PAIRS) {
                pairs.add(e);
                continue;
            }
            int k = (e.tag() == ResultFile.RTT ? rtt++ : stream++) % 2;
            add(e, Child.INTERLEAVED[k], interleaved, interleavedStreams);
            if (e.tag() == ResultFile.RTT && v.length > 0) {
                long[] sorted = v.clone();
                java.util.Arrays.sort(sorted);
                p50[k] = sorted[(sorted.length - 1) / 2];
            }
        }
        if (p50[0] > 0 && p50[1] > 0) {
            interleavedPaired.computeIfAbsent(RATIO_RTT, key -> new ArrayList<>()).add(p50[0] / p50[1]);
        }
        for (ResultFile.Entry e : pairs) {
            // messages and ns per stream, the transports alternating: a pair is (2i, 2i + 1)
            long[] v = e.values();
            List<Double> ratios = interleavedPaired.computeIfAbsent(throughputRatio(v[0]), key -> new ArrayList<>());
            for (int i = 1; i + 3 < v.length; i += 4) {
                if (v[i + 1] > 0 && v[i + 2] > 0 && v[i + 3] > 0) {
                    ratios.add(((double) v[i] / v[i + 1]) / ((double) v[i + 2] / v[i + 3]));
                }
            }
        }
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
