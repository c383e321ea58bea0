package io.jshm.bench;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every transport, its two ends in real child processes (JVMs, or the C program compiled with
 * gcc here), carries every message intact in a short verification run: B checks each message's
 * sequence words and, for the Java ends, every byte, and that the end marker's count matches;
 * a failure ends the child with status 1, which fails {@link Pair#run}. Percentiles in the table
 * are those of the samples the child wrote. Nothing here looks at speed.
 */
@Timeout(120)
class TransportsTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(TransportsTest.class);

    private static Path dir;
    private static Native natives;

    @BeforeAll
    static void prepare() throws Exception {
        dir = Files.createTempDirectory("jshm-bench-test-");
        natives = Native.prepare(dir);
    }

    @AfterAll
    static void remove() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Short phases, every byte checked, a message size for each ring (small and big). */
    static Plan plan() {
        return Plan.quick(names.next()).withRounds(1).withPhases(0, 500, 100, 200, 40, 20).withVerify(true)
                .withSizes(List.of(64, 1 << 20), List.of(4096L), List.of(10), List.of(4096L));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void deliversEveryMessageIntact(Transport transport) throws Exception {
        assumeTrue(transport.java() || natives.cfloor().isPresent(), "gcc is needed for the C floor");
        Plan plan = plan();
        Pair.Outcome outcome = Pair.run(transport, plan, plan.prefix(), dir, natives);

        long[] rtt = outcome.entries().stream().filter(e -> e.tag() == ResultFile.RTT).findFirst().orElseThrow().values();
        assertThat(rtt.length).as("round trips recorded").isGreaterThanOrEqualTo(20);
        assertThat(Arrays.stream(rtt).min().orElse(0)).as("every round trip took time").isPositive();
        assertThat(outcome.received().get(-1)).as("pings B answered (warm-up included)").isGreaterThan((long) rtt.length);

        List<ResultFile.Entry> streams = outcome.entries().stream().filter(e -> e.tag() == ResultFile.STREAM).toList();
        if (transport.streams()) {
            assertThat(streams).extracting(e -> e.values()[0]).containsExactly(64L, 1L << 20);
            for (ResultFile.Entry e : streams) {
                assertThat(e.values()[1]).as("messages timed, %d B", e.values()[0]).isPositive();
                assertThat(outcome.received().get((int) e.values()[0])).as("messages B checked, %d B", e.values()[0])
                        .isGreaterThanOrEqualTo(e.values()[1]);
                assertThat(e.values()[2]).as("ns").isPositive();
            }
        } else {
            assertThat(streams).isEmpty();
        }

        // the table's percentiles are the samples' own (HdrHistogram: within 0.1%)
        Results results = new Results(plan);
        results.add(transport, outcome);
        double[] table = Tables.roundTrip(results).row(transport.label()).values();
        long[] sorted = rtt.clone();
        Arrays.sort(sorted);
        assertThat(table[0] * 1e3).isCloseTo(exactPercentile(sorted, 50), withinPermille(exactPercentile(sorted, 50)));
        assertThat(table[2] * 1e3).isCloseTo(exactPercentile(sorted, 99), withinPermille(exactPercentile(sorted, 99)));
        assertThat(table[4] * 1e3).isCloseTo(sorted[sorted.length - 1], withinPermille(sorted[sorted.length - 1]));
    }

    /** The receiver's check catches one changed byte anywhere between the sequence words. */
    @Test
    void damageIsCaught() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(4096);
            Messages.stamp(m, 42, 4096);
            Messages.fill(m, 42, 4096);
            assertThat(Messages.firstDamaged(m, 42, 4096)).isEqualTo(-1);
            assertThat(Messages.firstDamaged(m, 43, 4096)).as("another message's bytes").isEqualTo(8);
            m.set(ValueLayout.JAVA_BYTE, 3000, (byte) (m.get(ValueLayout.JAVA_BYTE, 3000) + 1));
            assertThat(Messages.firstDamaged(m, 42, 4096)).isEqualTo(3000);
        }
    }

    /** The value HdrHistogram reports for a percentile: the smallest sample with at least that share at or below it. */
    static long exactPercentile(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, index)];
    }

    static org.assertj.core.data.Offset<Double> withinPermille(double value) {
        return org.assertj.core.data.Offset.offset(Math.max(1.0, value / 1000 + 1));
    }
}
