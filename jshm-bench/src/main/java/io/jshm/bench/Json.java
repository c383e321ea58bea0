package io.jshm.bench;

import java.util.List;
import java.util.Locale;

/**
 * The run as JSON ({@code --json FILE}); its fields are documented in docs/benchmarks.md. Written
 * by hand: the bench module keeps to its few dependencies.
 */
final class Json {
    private Json() {
    }

    static final String SCHEMA = "jshm-bench/1";

    static String of(List<Table> tables, List<Targets.Target> targets, Machine m, Plan plan, List<String> notes,
                     boolean quick) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"schema\": ").append(str(SCHEMA)).append(",\n");
        b.append("  \"date\": ").append(str(m.date())).append(",\n");
        b.append("  \"quick\": ").append(quick).append(",\n");
        b.append("  \"machine\": {\"cpu\": ").append(str(m.cpu())).append(", \"cores\": ").append(m.cores())
                .append(", \"kernel\": ").append(str(m.kernel())).append(", \"jdk\": ").append(str(m.jdk()))
                .append(", \"load_before\": ").append(str(m.loadBefore())).append(", \"load_after\": ")
                .append(str(m.loadAfter())).append(", \"pinned\": ").append(Processes.TASKSET).append("},\n");
        b.append("  \"plan\": {\"rounds\": ").append(plan.rounds()).append(", \"first_round_discarded\": ")
                .append(plan.discardsFirstRound()).append(", \"warmup_ms\": ").append(plan.warmMillis())
                .append(", \"latency_ms\": ").append(plan.latencyMillis()).append(", \"stream_ms\": ")
                .append(plan.streamMillis()).append(", \"copy_ms\": ").append(plan.copyMillis())
                .append(", \"message_sizes\": ").append(plan.sizes()).append("},\n");
        b.append("  \"tables\": [");
        for (int i = 0; i < tables.size(); i++) {
            Table t = tables.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ").append(str(t.id())).append(", \"title\": ")
                    .append(str(t.title())).append(", \"unit\": ").append(str(t.unit())).append(", \"better\": ")
                    .append(str(t.better())).append(", \"columns\": [");
            for (int c = 0; c < t.columns().size(); c++) {
                b.append(c == 0 ? "" : ", ").append(str(t.columns().get(c)));
            }
            b.append("], \"rows\": [");
            for (int r = 0; r < t.rows().size(); r++) {
                Table.Row row = t.rows().get(r);
                b.append(r == 0 ? "\n" : ",\n").append("      {\"name\": ").append(str(row.name()))
                        .append(", \"samples\": ").append(row.samples())
                        .append(", \"values\": ").append(numbers(row.values()))
                        .append(", \"vs_c_floor\": ").append(numbers(row.vsC()))
                        .append(", \"vs_agrona\": ").append(numbers(row.vsAgrona())).append('}');
            }
            b.append("\n    ]}");
        }
        b.append("\n  ],\n  \"targets\": [");
        for (int i = 0; i < targets.size(); i++) {
            Targets.Target t = targets.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"target\": ").append(str(t.what())).append(", \"measured\": ")
                    .append(num(t.measured())).append(", \"limit\": ").append(num(t.limit())).append(", \"at_most\": ")
                    .append(t.atMost()).append(", \"verdict\": ").append(str(t.verdict())).append('}');
        }
        b.append("\n  ],\n  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(str(notes.get(i)));
        }
        return b.append("]\n}\n").toString();
    }

    private static String numbers(double[] v) {
        if (v == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(num(v[i]));
        }
        return b.append(']').toString();
    }

    /** A number, or null for NaN and infinities (JSON has neither). */
    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
                .replace(".e", "e").replaceAll("\\.$", "") : "null";
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
