package io.jshm.bench;

import io.jshm.queue.SharedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench aa} for real, briefly: two child JVMs, each loading jshm-core twice and Agrona once
 * through class loaders of their own, stream in turn; every message's sequence is checked at the
 * consumer (a wrong one fails the child, and the check). Then the report's rows, and nothing left
 * in {@code /dev/shm}.
 */
@Timeout(120)
class AaCheckTest {
    private static final String COPY_B = "copy B(?:, short laps of \\d+)?(?: \\(other core\\))?(?:, \\d+ lanes)?";
    private static final String COPY_A = "copy A(?: \\(other core\\))?";
    private static final Pattern ROW = Pattern.compile("^(" + COPY_B + " ÷ " + COPY_A + "(?: \\(ideally 1\\))?"
            + "|" + COPY_A + " ÷ Agrona|" + COPY_B + " ÷ Agrona)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)$",
            Pattern.MULTILINE);

    @ParameterizedTest
    @CsvSource({"0, false, 0, ''", "4096, false, 0, ''", "0, true, 0, ''", "0, true, 2, B", "0, false, 0, A"})
    void reportsTheThreeRatiosAndCleansUp(int shortLap, boolean mpsc, int lanes, String otherCore) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rounds = AaCheck.warmRounds(5) + 8;
        List<String> args = new ArrayList<>(List.of("--size", "256", "--rounds", Integer.toString(rounds),
                "--segment-ms", "5", "--short-lap", Integer.toString(shortLap)));
        if (mpsc) {
            args.add("--mpsc");
        }
        if (lanes != 0) {
            args.addAll(List.of("--lanes", Integer.toString(lanes)));
        }
        Path core = Path.of(SharedQueue.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!otherCore.isEmpty()) { // this build again: the option's way through
            args.addAll(List.of("--" + otherCore.toLowerCase(java.util.Locale.ROOT) + "-core", core.toString()));
        }

        int code = AaCheck.main(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("%s%s", report, err).isZero();
        assertThat(report).contains("A/A check, 256 B messages: " + rounds + " rounds of three 5 ms streams (jshm "
                + (mpsc ? "MPSC" : "SPSC") + " copy A, copy B: " + (otherCore.isEmpty() ? "the same code" : "two builds"));
        assertThat(report).contains(mpsc ? "Agrona ManyToOne" : "Agrona OneToOne");
        String copyA = otherCore.equals("A") ? "copy A (other core)" : "copy A";
        String copyB = shortLap != 0 ? "copy B, short laps of 4096" : lanes != 0 ? "copy B (other core), 2 lanes" : "copy B";
        boolean same = shortLap == 0 && otherCore.isEmpty();
        assertThat(report).contains(copyB + " ÷ " + copyA + (same ? " (ideally 1)" : ""), copyA + " ÷ Agrona");
        if (!otherCore.isEmpty()) {
            assertThat(report).startsWith("copy " + otherCore + ": jshm-core from " + core.toAbsolutePath());
        }
        Matcher m = ROW.matcher(report);
        int rows = 0;
        while (m.find()) {
            rows++;
            double median = Double.parseDouble(m.group(2));
            double p10 = Double.parseDouble(m.group(3));
            double p90 = Double.parseDouble(m.group(4));
            assertThat(p10).as(m.group()).isPositive().isLessThanOrEqualTo(median);
            assertThat(p90).as(m.group()).isGreaterThanOrEqualTo(median);
        }
        assertThat(rows).as(report).isEqualTo(3);
        String prefix = "bench-aa-" + ProcessHandle.current().pid();
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            List<String> left = shm.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
            assertThat(left).as("left in /dev/shm").isEmpty();
        }
    }

    @Test
    void refusesBadOptionsWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream none = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(AaCheck.main(new String[] {"--size", "8"}, none, errStream)).isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--rounds", "1"}, none, errStream)).isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--colour"}, none, errStream)).isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--short-lap", "100"}, none, errStream)).isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--short-lap", "4096", "--mpsc"}, none, errStream)).isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--lanes", "2"}, none, errStream)).isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--mpsc", "--b-core", "/nonexistent/jshm-core.jar"}, none, errStream))
                .isEqualTo(2);
        assertThat(AaCheck.main(new String[] {"--a-core"}, none, errStream)).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bench aa: needs --size 16..", "--rounds must be over",
                "bench aa: unknown option --colour", "bench aa: short lap of 100 bytes for queue",
                "bench aa: --short-lap is for SPSC queues, not with --mpsc",
                "bench aa: --lanes is for MPSC queues: with --mpsc",
                "bench aa: --b-core /nonexistent/jshm-core.jar: no such jar or directory",
                "bench aa: --a-core needs a value",
                "0 (off) or a multiple of 8 from 4096 to 262144", "usage: bench aa");
    }
}
