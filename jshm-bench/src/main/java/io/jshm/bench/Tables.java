package io.jshm.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns {@link Results} into the report's {@link Table}s. */
final class Tables {
    private Tables() {
    }

    static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p99.9", "max");

    static List<Table> all(Results r) {
        List<Table> tables = new ArrayList<>();
        if (!r.roundTrips.isEmpty()) {
            tables.add(roundTrip(r));
        }
        r.interleaved.forEach((which, rtts) -> tables.add(interleaved(which, rtts)));
        if (!r.streams.isEmpty()) {
            tables.add(throughput(r));
        }
        r.interleavedStreams.forEach((which, streams) -> tables.add(interleavedThroughput(r, which, streams)));
        if (!r.interleavedPaired.isEmpty()) {
            tables.add(interleavedPaired(r));
        }
        if (!r.lifecycle.isEmpty()) {
            tables.add(lifecycle(r));
        }
        if (!r.copy.isEmpty()) {
            tables.add(copy(r));
        }
        return tables;
    }

    /** {@return p50, p90, p99, p99.9 and max of {@code h}, in microseconds} */
    static double[] percentilesMicros(Histogram h) {
        return new double[] {h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3};
    }

    static Table roundTrip(Results r) {
        Map<Transport, double[]> values = new LinkedHashMap<>();
        r.roundTrips.forEach((t, h) -> values.put(t, percentilesMicros(h)));
        List<Table.Row> rows = new ArrayList<>();
        values.forEach((t, v) -> rows.add(new Table.Row(t.label(), r.roundTrips.get(t).getTotalCount(), v,
                Table.ratios(v, values.get(Transport.C_FLOOR)), Table.ratios(v, values.get(t.agronaTwin())))));
        return new Table("round_trip", "Round trip, 64-byte message, two processes", "µs", "lower", PERCENTILES, rows);
    }

    /** The round trips of interleaved part {@code which}, {@code rtts} per transport. */
    static Table interleaved(Interleaving which, Map<Transport, Histogram> rtts) {
        double[] agrona = rtts.containsKey(which.agrona()) ? percentilesMicros(rtts.get(which.agrona())) : null;
        List<Table.Row> rows = new ArrayList<>();
        rtts.forEach((t, h) -> {
            double[] v = percentilesMicros(h);
            rows.add(new Table.Row(t.label(), h.getTotalCount(), v, null, Table.ratios(v, agrona)));
        });
        return new Table("round_trip_" + which.id(), "Round trip, 64-byte message, " + which.jshm().label()
                + " and " + which.agrona().label() + " interleaved in the same two processes (blocks of " + Pair.INTERLEAVED_BLOCK
                + ", in turns)", "µs", "lower", PERCENTILES, rows);
    }

    static String sizeLabel(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    static Table throughput(Results r) {
        return new Table("throughput", "One-way throughput, two processes", "", "higher", List.of("M msg/s", "GB/s"),
                throughputRows(r, r.streams));
    }

    /** The streams of interleaved part {@code which}, {@code streams} as {@link Results#streams}. */
    static Table interleavedThroughput(Results r, Interleaving which, Map<Transport, Map<Integer, long[]>> streams) {
        return new Table("throughput_" + which.id(), "One-way throughput, " + which.jshm().label()
                + " and " + which.agrona().label() + " interleaved in the same two processes (" + Pair.interleavedSegments(r.plan)
                + " streams of " + Pair.INTERLEAVED_SEGMENT_MILLIS + " ms of each per size and round, in turns)",
                "", "higher", List.of("M msg/s", "GB/s"), throughputRows(r, streams));
    }

    /**
     * The interleaved parts as paired comparisons: the ratio of each part's jshm transport to its
     * Agrona ring in each round (round trip p50) and in each round of streams, one stream of
     * each run one after the other (throughput), with the median,
     * 10th and 90th percentile (nearest rank) over all of them. On a shared VM a stream's rate
     * moves by several times within a second and between fresh processes (see
     * docs/benchmarks.md), so the median of paired ratios is the steadier figure; the pooled
     * tables above weigh each stream by its length instead.
     */
    static Table interleavedPaired(Results r) {
        List<Table.Row> rows = new ArrayList<>();
        r.interleavedPaired.forEach((what, ratios) -> {
            double[] sorted = sorted(ratios);
            rows.add(new Table.Row(what, sorted.length, new double[] {median(sorted), rank(sorted, 0.1), rank(sorted, 0.9)},
                    null, null));
        });
        return new Table("interleaved_paired", "jshm ÷ Agrona, paired: per round (round trip p50) and per round of"
                + " streams, one of each in turn (throughput); jshm SPSC ÷ OneToOne where a row names no queue, else the"
                + " queue its part measures (MPSC ÷ ManyToOne); round trip: lower is better, throughput: higher", "", "",
                List.of("median", "p10", "p90"), rows);
    }

    /** {@return {@code values} in ascending order} */
    static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** {@return the median of {@code sorted} (not empty)} */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {@return the {@code q} quantile of {@code sorted} (not empty) by nearest rank} */
    static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Rows per size and transport: messages/s and GB/s of the summed streams, with ratios to the C floor and Agrona there. */
    private static List<Table.Row> throughputRows(Results r, Map<Transport, Map<Integer, long[]>> streams) {
        List<Table.Row> rows = new ArrayList<>();
        for (int size : r.plan.sizes()) {
            Map<Transport, double[]> values = new LinkedHashMap<>();
            streams.forEach((t, bySize) -> {
                long[] sum = bySize.get(size);
                if (sum != null && sum[1] > 0) {
                    double rate = sum[0] * 1e9 / sum[1];
                    values.put(t, new double[] {rate / 1e6, rate * size / 1e9});
                }
            });
            values.forEach((t, v) -> rows.add(new Table.Row(t.label() + ", " + sizeLabel(size),
                    streams.get(t).get(size)[0], v, Table.ratios(v, values.get(Transport.C_FLOOR)),
                    Table.ratios(v, values.get(t.agronaTwin())))));
        }
        return rows;
    }

    static Table lifecycle(Results r) {
        List<Table.Row> rows = new ArrayList<>();
        for (long size : r.plan.lifecycleSizes()) {
            Histogram c = r.lifecycle.getOrDefault(Results.LIFE_C, Map.of()).get(size);
            double[] cValues = c == null ? null : lifeValues(c);
            r.lifecycle.forEach((impl, bySize) -> {
                Histogram h = bySize.get(size);
                if (h != null) {
                    double[] v = lifeValues(h);
                    rows.add(new Table.Row(impl + ", " + sizeLabel(size), h.getTotalCount(), v, Table.ratios(v, cValues), null));
                }
            });
        }
        return new Table("lifecycle", "Region create + map + touch + unmap + close + unlink", "µs", "lower",
                List.of("p50", "p90", "min"), rows);
    }

    private static double[] lifeValues(Histogram h) {
        return new double[] {h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getMinValue() / 1e3};
    }

    static Table copy(Results r) {
        List<Table.Row> rows = new ArrayList<>();
        for (long size : r.plan.copySizes()) {
            Histogram c = r.copy.getOrDefault(Results.COPY_C, Map.of()).get(size);
            double[] cValues = c == null ? null : copyValues(c, size);
            r.copy.forEach((impl, bySize) -> {
                Histogram h = bySize.get(size);
                if (h != null) {
                    double[] v = copyValues(h, size);
                    rows.add(new Table.Row(impl + ", " + sizeLabel(size), h.getTotalCount(), v, Table.ratios(v, cValues), null));
                }
            });
        }
        return new Table("copy", "Bulk copy into a region, one thread", "GB/s", "higher", List.of("median", "best"), rows);
    }

    /** GB/s of the median and of the fastest sample (each of {@link RegionCosts#copiesPerSample} copies). */
    private static double[] copyValues(Histogram h, long size) {
        double bytes = (double) size * RegionCosts.copiesPerSample(size);
        return new double[] {bytes / h.getValueAtPercentile(50), bytes / h.getMinValue()};
    }
}
