package io.jshm.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr for long work, shown only when stderr is a terminal: the launcher
 * ({@code bin/jshm}) sets the system property {@code jshm.progress=true} when it is (the JVM
 * itself cannot tell which of its streams is a terminal). Redrawn at most ten times a second, on
 * one line that the end clears.
 * <pre>
 * prefaulting 'frame'  [##########..........]  50%  512 MiB of 1 GiB
 * </pre>
 */
final class Progress implements AutoCloseable {

    /** Work smaller than this finishes too fast to be worth a bar. */
    static final long THRESHOLD = 16L << 20;
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintWriter err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    /**
     * {@return a bar for {@code total} bytes of work (-1 if unknown), or null when none is to be
     * shown: not a terminal, or little work}
     */
    static Progress start(PrintWriter err, String label, long total) {
        if (!Boolean.getBoolean("jshm.progress") || (total >= 0 && total < THRESHOLD)) {
            return null;
        }
        return new Progress(err, label, total);
    }

    /** Shows that {@code done} bytes are done. */
    void update(long done) {
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && done != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        StringBuilder line = new StringBuilder("\r").append(label).append("  ");
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(done, total) / total);
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("]  ")
                    .append(String.format(Locale.ROOT, "%3d%%", 100 * Math.min(done, total) / total)).append("  ")
                    .append(ByteSize.format(done)).append(" of ").append(ByteSize.format(total));
        } else {
            line.append(ByteSize.format(done));
        }
        err.print(line.append("\u001b[K")); // erase what a longer previous line left
        err.flush();
    }

    /** Clears the bar's line. */
    @Override
    public void close() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
