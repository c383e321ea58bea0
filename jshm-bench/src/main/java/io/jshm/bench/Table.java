package io.jshm.bench;

import java.util.List;

/**
 * One table of the report, the same for the console, the markdown and the JSON: named rows of
 * figures in fixed columns, each row with its ratios to the C floor and to Agrona where those
 * measured the same thing in this run (a ratio is this row's figure divided by the reference's;
 * {@code NaN} where there is no reference).
 *
 * @param id      the JSON key ({@code round_trip}, {@code throughput}, {@code lifecycle}, {@code copy})
 * @param better  "lower" or "higher": which way a figure is better
 */
record Table(String id, String title, String unit, String better, List<String> columns, List<Row> rows) {

    /**
     * @param name     the transport or implementation, with the size where the table has several
     * @param samples  how many samples (or messages) the figures come from
     * @param vsC      each figure divided by the C floor's, or null
     * @param vsAgrona each figure divided by Agrona's, or null
     */
    record Row(String name, long samples, double[] values, double[] vsC, double[] vsAgrona) {
    }

    /** {@return each of {@code values} divided by the matching reference, or null without a reference} */
    static double[] ratios(double[] values, double[] reference) {
        if (reference == null) {
            return null;
        }
        double[] r = new double[values.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = reference[i] == 0 ? Double.NaN : values[i] / reference[i];
        }
        return r;
    }

    /** {@return the row called {@code name}, or null} */
    Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }
}
