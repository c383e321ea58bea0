package io.jshm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A text table with aligned columns: titles first, two spaces between columns, the columns named
 * in {@code right} right-aligned (numbers), the others left-aligned, the last one not padded.
 */
final class Table {

    private final String[] header;
    private final Set<Integer> right;
    private final List<String[]> rows = new ArrayList<>();

    Table(Set<Integer> right, String... header) {
        this.header = header;
        this.right = right;
    }

    void add(String... row) {
        if (row.length != header.length) {
            throw new IllegalArgumentException(row.length + " cells for " + header.length + " columns");
        }
        rows.add(row);
    }

    List<String> lines() {
        int[] widths = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                boolean last = i == row.length - 1;
                String format = right.contains(i) ? "%" + widths[i] + "s" : last ? "%s" : "%-" + widths[i] + "s";
                line.append(String.format(format, row[i]));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    void print(PrintWriter out) {
        lines().forEach(out::println);
    }

    /** {@return the text with control characters and spaces escaped, so a cell stays one word on one line} */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(c -> sb.append(c <= 0x20 || c == 0x7f ? "\\x%02x".formatted(c) : Character.toString(c)));
        return sb.toString();
    }
}
