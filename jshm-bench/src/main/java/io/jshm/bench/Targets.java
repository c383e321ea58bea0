package io.jshm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The targets of issues 5 and 6, each a ratio measured within one run, judged met or missed (or not
 * measured, when a part was skipped or not selected).
 */
final class Targets {
    private Targets() {
    }

    /**
     * @param measured the ratio measured, NaN when not measured
     * @param limit    the bound it must keep
     * @param atMost   whether the ratio must be at most the limit (else at least)
     */
    record Target(String what, double measured, double limit, boolean atMost) {
        /** {@return "met", "missed" or "not measured"} */
        String verdict() {
            if (Double.isNaN(measured)) {
                return "not measured";
            }
            return (atMost ? measured <= limit : measured >= limit) ? "met" : "missed";
        }

        /** {@return the rule, such as "≤ 1.50×"} */
        String rule() {
            return String.format(java.util.Locale.ROOT, "%s %.2f×", atMost ? "≤" : "≥", limit);
        }
    }

    static List<Target> evaluate(List<Table> tables) {
        Map<String, Table> byId = new java.util.HashMap<>();
        tables.forEach(t -> byId.put(t.id(), t));
        Table rtt = byId.get("round_trip");
        Table tput = byId.get("throughput");
        Table life = byId.get("lifecycle");
        Table copy = byId.get("copy");
        String spsc = Transport.JSHM_SPSC.label();
        List<Target> out = new ArrayList<>();
        out.add(new Target("jshm SPSC round trip p50 ÷ C floor", ratio(rtt, spsc, Transport.C_FLOOR.label(), 0), 1.5, true));
        out.add(new Target("jshm SPSC round trip p50 ÷ Agrona OneToOne", ratio(rtt, spsc, Transport.AGRONA_ONE_TO_ONE.label(), 0), 1.0, true));
        out.add(new Target("jshm SPSC round trip p99 ÷ C floor", ratio(rtt, spsc, Transport.C_FLOOR.label(), 2), 2.0, true));
        out.add(new Target("jshm SPSC 64 B throughput ÷ Agrona OneToOne",
                ratio(tput, spsc + ", 64 B", Transport.AGRONA_ONE_TO_ONE.label() + ", 64 B", 0), 1.0, false));
        // issue 5: at least Agrona's throughput, at most 1.1× its p50 round trip, judged where both
        // met the same machine (the interleaved part)
        Table tputBoth = byId.get("throughput_interleaved");
        for (String size : List.of("64 B", "4 KiB")) {
            out.add(new Target("jshm SPSC " + size + " throughput ÷ Agrona OneToOne, interleaved",
                    ratio(tputBoth, spsc + ", " + size, Transport.AGRONA_ONE_TO_ONE.label() + ", " + size, 0), 1.0, false));
        }
        out.add(new Target("jshm SPSC round trip p50 ÷ Agrona OneToOne, interleaved",
                ratio(byId.get("round_trip_interleaved"), spsc, Transport.AGRONA_ONE_TO_ONE.label(), 0), 1.1, true));
        // the same three as medians of paired ratios (see Tables.interleavedPaired)
        Table paired = byId.get("interleaved_paired");
        for (long size : List.of(64L, 4096L)) {
            out.add(new Target("jshm SPSC " + Tables.sizeLabel(size) + " throughput ÷ Agrona OneToOne, median of pairs",
                    value(paired, Results.throughputRatio(size)), 1.0, false));
        }
        out.add(new Target("jshm SPSC round trip p50 ÷ Agrona OneToOne, median of rounds",
                value(paired, Results.RATIO_RTT), 1.1, true));
        // the same at 4 KiB with short laps (opt-in, decision 52), measured beside the default
        String shortLaps = Transport.JSHM_SPSC_SHORT_LAPS.label();
        out.add(new Target(shortLaps + " 4 KiB throughput ÷ Agrona OneToOne, interleaved",
                ratio(byId.get("throughput_" + Interleaving.SHORT_LAPS.id()), shortLaps + ", 4 KiB", Transport.AGRONA_ONE_TO_ONE.label() + ", 4 KiB", 0), 1.0, false));
        out.add(new Target(shortLaps + " 4 KiB throughput ÷ Agrona OneToOne, median of pairs",
                value(paired, Results.pairedKey(Transport.JSHM_SPSC_SHORT_LAPS, Results.throughputRatio(4096))), 1.0, false));
        // issue 5 for MPSC, one producer: at least ManyToOne's throughput, interleaved
        String mpsc = Transport.JSHM_MPSC.label();
        Table tputMpsc = byId.get("throughput_" + Interleaving.MPSC.id());
        for (long size : List.of(64L, 4096L)) {
            String label = Tables.sizeLabel(size);
            out.add(new Target(mpsc + " " + label + " throughput ÷ Agrona ManyToOne, interleaved",
                    ratio(tputMpsc, mpsc + ", " + label, Transport.AGRONA_MANY_TO_ONE.label() + ", " + label, 0), 1.0, false));
            out.add(new Target(mpsc + " " + label + " throughput ÷ Agrona ManyToOne, median of pairs",
                    value(paired, Results.pairedKey(Transport.JSHM_MPSC, Results.throughputRatio(size))), 1.0, false));
        }
        out.add(new Target("bulk copy 1 MiB from native ÷ C memcpy (median)",
                ratio(copy, Results.COPY_NATIVE + ", 1 MiB", Results.COPY_C + ", 1 MiB", 0), 0.8, false));
        out.add(new Target("bulk copy 1 MiB from heap ÷ C memcpy (median)",
                ratio(copy, Results.COPY_HEAP + ", 1 MiB", Results.COPY_C + ", 1 MiB", 0), 0.8, false));
        out.add(new Target("Unix socket round trip p50 ÷ jshm SPSC",
                ratio(rtt, Transport.UNIX_SOCKET.label(), spsc, 0), 10.0, false));
        for (long size : Plan.LIFECYCLE_SIZES) {
            String label = Tables.sizeLabel(size);
            out.add(new Target("region create-to-unlink p50, " + label + ", jshm ÷ C",
                    ratio(life, Results.LIFE_JSHM + ", " + label, Results.LIFE_C + ", " + label, 0), 1.5, true));
        }
        return out;
    }

    /** {@return the first figure of row {@code name}, NaN if it is absent} */
    private static double value(Table table, String name) {
        return table == null || table.row(name) == null ? Double.NaN : table.row(name).values()[0];
    }

    /** {@return column {@code column} of row {@code a} divided by that of row {@code b}, NaN if either is absent} */
    private static double ratio(Table table, String a, String b, int column) {
        if (table == null || table.row(a) == null || table.row(b) == null) {
            return Double.NaN;
        }
        return table.row(a).values()[column] / table.row(b).values()[column];
    }
}
