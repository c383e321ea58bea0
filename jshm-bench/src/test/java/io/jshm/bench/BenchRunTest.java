package io.jshm.bench;

import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A whole (tiny) bench run through {@link Bench#run}: real children for two transports, the
 * region life cycle and the bulk copy; then its outputs: the console table with ratios, the
 * JSON (parsed by Python's json module, an independent reader, and checked for the fields that
 * docs/benchmarks.md documents), the regenerated markdown section (hand-written text around it
 * kept) and the PNG chart.
 */
@Timeout(180)
class BenchRunTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(BenchRunTest.class);

    @TempDir
    Path dir;

    @Test
    void runWritesTableJsonMarkdownAndChart() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("benchmarks.md"), "# Benchmarks\n\nintro by hand\n\n" + Docs.BEGIN
                + "\nold figures\n" + Docs.END + "\n\n## Sync\n\nhand-written sync section\n");
        Path json = dir.resolve("run.json");
        Plan plan = Plan.quick(names.next()).withRounds(2).withPhases(0, 300, 10, 100, 30, 20)
                .withSizes(List.of(64, 4096), List.of(4096L, 1L << 20), List.of(10, 3), List.of(4096L, 1L << 20));
        assertThat(Pair.interleavedSegments(plan)).as("the pairs check.py expects").isEqualTo(6);
        Bench.Options options = Bench.Options.parse(new String[] {"--json", json.toString(), "--docs", docs.toString()});
        List<String> parts = Harness.select(List.of("jshm SPSC", "C floor", "interleaved", "lifecycle", "copy"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path work = Files.createDirectories(dir.resolve("work"));

        Bench.run(options, plan, parts, work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        String console = out.toString(StandardCharsets.UTF_8);
        assertThat(progress.toString(StandardCharsets.UTF_8))
                .contains("round 1/2 (warm-up)  jshm SPSC", "round 2/2  copy");
        assertThat(console).contains("Round trip", "jshm SPSC", "÷ C", "÷ A", "Targets", "One-way throughput",
                "Region create", "Bulk copy", "interleaved in the same two processes", "Agrona OneToOne");

        String markdown = Files.readString(docs.resolve("benchmarks.md"));
        assertThat(markdown).startsWith("# Benchmarks\n\nintro by hand\n\n" + Docs.BEGIN)
                .endsWith(Docs.END + "\n\n## Sync\n\nhand-written sync section\n")
                .doesNotContain("old figures").contains("| jshm SPSC |", "*÷ C floor*", "![Round-trip percentiles]");
        byte[] png = Files.readAllBytes(docs.resolve(Docs.CHART));
        assertThat(png).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');

        assumeTrue(ExternalProcess.available("python3", "-c", "import json"), "python3 reads the JSON");
        Path check = dir.resolve("check.py");
        Files.writeString(check, """
                import json, sys
                d = json.load(open(sys.argv[1]))
                assert d["schema"] == "jshm-bench/1", d["schema"]
                for k in ("date", "quick", "machine", "plan", "tables", "targets", "notes"):
                    assert k in d, k
                for k in ("cpu", "cores", "kernel", "jdk", "load_before", "load_after", "pinned"):
                    assert k in d["machine"], k
                assert d["plan"]["rounds"] == 2 and d["plan"]["first_round_discarded"] is True
                tables = {t["id"]: t for t in d["tables"]}
                parts = (("interleaved", "jshm SPSC", "Agrona OneToOne"), ("short_laps", "jshm SPSC (short laps)", "Agrona OneToOne"),
                         ("mpsc", "jshm MPSC", "Agrona ManyToOne"))
                assert set(tables) == {"round_trip", "throughput", "interleaved_paired", "lifecycle", "copy"} | {
                        kind + "_" + part for kind in ("round_trip", "throughput") for part, _, _ in parts}, set(tables)
                for t in tables.values():
                    for k in ("title", "unit", "better", "columns", "rows"):
                        assert k in t, k
                    for r in t["rows"]:
                        assert len(r["values"]) == len(t["columns"]), r
                        assert r["samples"] > 0, r
                        for ratios in (r["vs_c_floor"], r["vs_agrona"]):
                            assert ratios is None or len(ratios) == len(t["columns"]), r
                rtt = {r["name"]: r for r in tables["round_trip"]["rows"]}
                assert rtt["C floor"]["vs_c_floor"] == [1, 1, 1, 1, 1], rtt["C floor"]
                assert all(v > 0 for v in rtt["jshm SPSC"]["values"])
                for part, jshm, agrona in parts:
                    paired = {r["name"]: r for r in tables["round_trip_" + part]["rows"]}
                    assert set(paired) == {jshm, agrona}, set(paired)
                    assert paired[agrona]["vs_agrona"] == [1, 1, 1, 1, 1], paired[agrona]
                    assert all(v > 0 for v in paired[jshm]["vs_agrona"])
                    streams = {r["name"]: r for r in tables["throughput_" + part]["rows"]}
                    assert set(streams) == {t + ", " + s for t in (jshm, agrona) for s in ("64 B", "4 KiB")}, set(streams)
                    assert streams[agrona + ", 4 KiB"]["vs_agrona"] == [1, 1], streams[agrona + ", 4 KiB"]
                life = [r["name"].rsplit(", ", 1)[0] for r in tables["lifecycle"]["rows"]]
                assert life.count("jshm") > 0 and life.count("jshm") == life.count("jshm, confined handle"), life
                rounds = {r["name"]: r for r in tables["interleaved_paired"]["rows"]}
                whats = ("round trip p50", "64 B throughput", "4 KiB throughput",
                         "64 B throughput, median per round", "4 KiB throughput, median per round")
                prefixes = ("", "jshm SPSC (short laps): ", "jshm MPSC: ")
                assert set(rounds) == {p + w for p in prefixes for w in whats}, set(rounds)
                for p in prefixes:
                    # one recorded round: one round-trip ratio; throughput: a ratio per round of streams
                    r = rounds[p + "round trip p50"]
                    assert r["samples"] == 1 and len(set(r["values"])) == 1, r
                    for s in ("64 B", "4 KiB"):
                        r = rounds[p + s + " throughput"]
                        assert r["samples"] == 6, r  # Pair.interleavedSegments of this plan
                        assert 0 < r["values"][1] <= r["values"][0] <= r["values"][2], r
                        per = rounds[p + s + " throughput, median per round"]
                        assert per["samples"] == 1 and per["values"][0] == r["values"][0], (per, r)
                for t in d["targets"]:
                    assert t["verdict"] in ("met", "missed", "not measured"), t
                    assert (t["measured"] is None) == (t["verdict"] == "not measured"), t
                print("json ok", len(d["tables"]), len(d["targets"]))
                """);
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(30), List.of("python3", check.toString(),
                json.toString()));
        assertThat(r.output()).contains("json ok 11 21");
        assertThat(r.code()).isZero();
    }

    @Test
    void usageErrorsExitWithTwoAndHelpWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Bench.main(new String[] {"--bogus"}, o, e)).isEqualTo(2);
        assertThat(Bench.main(new String[] {"--only", "no-such-part"}, o, e)).isEqualTo(2);
        assertThat(Bench.main(new String[] {"--json"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus", "picks nothing",
                "--json needs a value", "usage: bench");
        assertThat(Bench.main(new String[] {"--help"}, o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: bench", "C floor", "lifecycle");
    }
}
