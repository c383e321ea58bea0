package io.jshm.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs {@code jshm} in this JVM through {@link Main#run}, capturing everything it prints. */
final class Cli {
    private Cli() {
    }

    /**
     * @param exit   the exit code
     * @param out    the text on stdout
     * @param err    the text on stderr
     * @param stdout the bytes {@code read} wrote
     */
    record Result(int exit, String out, String err, byte[] stdout) {
        List<String> errLines() {
            return err.lines().toList();
        }

        List<String> outLines() {
            return out.lines().toList();
        }
    }

    /** Runs a command that needs no stdin and writes no bytes, through the public two-writer entry point. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString(), new byte[0]);
    }

    /** Runs a command with {@code stdin} as its input bytes, capturing the bytes it writes. */
    static Result run(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Main.run(new ByteArrayInputStream(stdin), bytes, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString(), bytes.toByteArray());
    }
}
