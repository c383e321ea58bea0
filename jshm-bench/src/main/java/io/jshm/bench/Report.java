package io.jshm.bench;

import java.util.List;
import java.util.Locale;

/**
 * The report as text: for the console ({@link #text}) and for {@code docs/benchmarks.md}
 * ({@link #markdown}). Under every figure's row come its ratios to the C floor and to Agrona.
 */
final class Report {
    private Report() {
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : a >= 0.01 ? "%.3f" : "%.4f";
        return String.format(Locale.ROOT, f, v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String header(Table t) {
        if (t.better().isEmpty()) {
            return t.title(); // a table of ratios: it says itself which way is better
        }
        boolean noAgrona = t.rows().stream().allMatch(r -> r.vsAgrona() == null);
        return t.title() + (t.unit().isEmpty() ? "" : ", " + t.unit()) + " (" + t.better() + " is better"
                + (noAgrona ? "; Agrona has no counterpart, so ratios to C only" : "") + ")";
    }

    static String text(List<Table> tables, List<Targets.Target> targets, Machine m, Plan plan) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%nMachine: %s, %d cores, %s, %s; load %s before, %s after%n", m.cpu(), m.cores(),
                m.kernel(), m.jdk(), m.loadBefore(), m.loadAfter()));
        b.append(String.format(Locale.ROOT, "%d round(s)%s; ratios are this row ÷ the C floor's (C) and ÷ Agrona's (A)%n",
                plan.rounds(), plan.discardsFirstRound() ? ", the first a discarded warm-up" : ""));
        for (Table t : tables) {
            // the names' column: 40 wide, or wider for a table with longer names
            int names = Math.max(40, t.rows().stream().mapToInt(r -> r.name().length() + 1).max().orElse(0));
            b.append(String.format(Locale.ROOT, "%n%s%n%-" + names + "s", header(t), ""));
            for (String c : t.columns()) {
                b.append(String.format(Locale.ROOT, "%10s", c));
            }
            b.append('\n');
            for (Table.Row r : t.rows()) {
                line(b, names, r.name(), r.values(), false);
                if (r.vsC() != null) {
                    line(b, names, "   ÷ C", r.vsC(), true);
                }
                if (r.vsAgrona() != null) {
                    line(b, names, "   ÷ A", r.vsAgrona(), true);
                }
            }
        }
        b.append(String.format(Locale.ROOT, "%nTargets%n"));
        int width = targets.stream().mapToInt(t -> t.what().length()).max().orElse(0);
        for (Targets.Target t : targets) {
            b.append(String.format(Locale.ROOT, "  %-" + width + "s %8s  (%s)  %s%n", t.what(), ratio(t.measured()),
                    t.rule(), t.verdict()));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, int width, String name, double[] v, boolean ratios) {
        b.append(String.format(Locale.ROOT, "%-" + width + "s", name));
        for (double x : v) {
            b.append(String.format(Locale.ROOT, "%10s", ratios ? ratio(x) : number(x)));
        }
        b.append('\n');
    }

    /** The generated part of docs/benchmarks.md (tables and targets), without the machine line. */
    static String markdown(List<Table> tables, List<Targets.Target> targets) {
        StringBuilder b = new StringBuilder();
        for (Table t : tables) {
            b.append("\n**").append(header(t)).append("**\n\n| | ");
            b.append(String.join(" | ", t.columns())).append(" | samples |\n|---|");
            b.append("---|".repeat(t.columns().size() + 1)).append('\n');
            for (Table.Row r : t.rows()) {
                b.append("| ").append(r.name());
                for (double x : r.values()) {
                    b.append(" | ").append(number(x));
                }
                b.append(" | ").append(r.samples()).append(" |\n");
                ratioRow(b, "÷ C floor", r.vsC());
                ratioRow(b, "÷ Agrona", r.vsAgrona());
            }
        }
        b.append("\n**Targets (ratios within this run)**\n\n| target | measured | rule | |\n|---|---|---|---|\n");
        for (Targets.Target t : targets) {
            b.append("| ").append(t.what()).append(" | ").append(ratio(t.measured())).append(" | ").append(t.rule())
                    .append(" | ").append(t.verdict().equals("met") ? "met" : "**" + t.verdict() + "**").append(" |\n");
        }
        return b.toString();
    }

    private static void ratioRow(StringBuilder b, String name, double[] v) {
        if (v == null) {
            return;
        }
        b.append("| &nbsp;&nbsp;*").append(name).append('*');
        for (double x : v) {
            b.append(" | *").append(ratio(x)).append('*');
        }
        b.append(" | |\n");
    }
}
