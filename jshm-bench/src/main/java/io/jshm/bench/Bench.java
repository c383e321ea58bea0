package io.jshm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bench [--quick] [--only NAME...] [--json FILE] [--docs DIR | --no-docs] [--rounds N] [--mpsc-lanes N] [--verbose]}:
 * the side-by-side run ({@link Harness}), its table on stdout, JSON where asked, and
 * {@code docs/benchmarks.md} with its chart regenerated after a full run of every part (or
 * wherever {@code --docs} says, whatever the run).
 */
final class Bench {
    private Bench() {
    }

    /** The parsed command line. */
    record Options(boolean quick, List<String> only, Path json, Path docs, boolean noDocs, int rounds, String prefix,
                   boolean verify, boolean verbose, boolean help, int mpscLanes) {
        static Options parse(String[] args) {
            boolean quick = false;
            boolean noDocs = false;
            boolean verify = false;
            boolean verbose = false;
            boolean help = false;
            List<String> only = new ArrayList<>();
            Path json = null;
            Path docs = null;
            int rounds = 0;
            int mpscLanes = 0;
            String prefix = "bench-" + ProcessHandle.current().pid();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--no-docs" -> noDocs = true;
                    case "--verify" -> verify = true;
                    case "--verbose" -> verbose = true;
                    case "--help", "-h" -> help = true;
                    case "--json" -> json = Path.of(value(args, ++i, "--json"));
                    case "--docs" -> docs = Path.of(value(args, ++i, "--docs"));
                    case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, "--rounds"));
                    case "--prefix" -> prefix = value(args, ++i, "--prefix");
                    case "--mpsc-lanes" -> mpscLanes = Integer.parseInt(value(args, ++i, "--mpsc-lanes"));
                    case "--only" -> {
                        only.add(value(args, ++i, "--only"));
                        while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                            only.add(args[++i]);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (mpscLanes < 0 || mpscLanes > 64) {
                throw new IllegalArgumentException("--mpsc-lanes takes 0 to 64, got " + mpscLanes);
            }
            return new Options(quick, only, json, docs, noDocs, rounds, prefix, verify, verbose, help, mpscLanes);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        Plan plan() {
            Plan p = quick ? Plan.quick(prefix) : Plan.full(prefix);
            p = rounds > 0 ? p.withRounds(rounds) : p;
            return p.withVerify(verify).withMpscLanes(mpscLanes);
        }
    }

    static final String USAGE = "usage: bench [--quick] [--only NAME...] [--json FILE] [--docs DIR | --no-docs] [--rounds N]"
            + " [--mpsc-lanes N] [--verbose]%n  --mpsc-lanes N gives jshm's MPSC queues N lanes (default 0, one shared ring)%n  parts (--only takes any part of a name, case-insensitive): %s%n"
            + "  a full run of every part rewrites docs/benchmarks.md and docs/benchmarks-latency.png%n";

    /** {@return the exit status: 0 done, 1 failed, 2 usage} */
    static int main(String[] args, PrintStream out, PrintStream err) {
        Options options;
        List<String> parts;
        try {
            options = Options.parse(args);
            parts = Harness.select(options.only());
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.printf(USAGE, Harness.parts());
            return 2;
        }
        if (options.help()) {
            out.printf(USAGE, Harness.parts());
            return 0;
        }
        Path dir = null;
        Runnable cleanup = null;
        try {
            dir = Files.createTempDirectory("jshm-bench-");
            Path work = dir;
            cleanup = () -> {
                removeRegions(options.prefix());
                removeAll(work);
            };
            Processes.atShutdown(cleanup);
            run(options, options.plan(), parts, dir, out, err);
            return 0;
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (options.verbose()) {
                err.println("bench: " + message);
                e.printStackTrace(err);
            } else {
                String first = message.lines().findFirst().orElse(message);
                err.println("bench: " + first + (first.equals(message) ? "" : " (--verbose shows the rest)"));
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench: interrupted");
            return 1;
        } finally {
            if (cleanup != null) {
                Processes.done(cleanup);
            }
            removeAll(dir);
        }
    }

    /** Removes what an interrupted run left in /dev/shm: every entry named with this run's prefix. */
    static void removeRegions(String prefix) {
        try (Stream<Path> all = Files.list(Path.of("/dev/shm"))) {
            all.filter(p -> p.getFileName().toString().startsWith(prefix + "-")).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // nothing to remove
        }
    }

    static Results run(Options options, Plan plan, List<String> parts, Path dir, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Machine before = Machine.before();
        Results results = Harness.run(plan, parts, dir, err);
        Machine machine = before.after();
        List<Table> tables = Tables.all(results);
        List<Targets.Target> targets = Targets.evaluate(tables);
        out.print(Report.text(tables, targets, machine, plan));
        for (String note : results.notes) {
            out.println("note: " + note);
        }
        if (options.json() != null) {
            Files.writeString(options.json(), Json.of(tables, targets, machine, plan, results.notes, options.quick()));
            out.println("JSON: " + options.json());
        }
        // the docs describe the default queues: a run with lanes writes them only where --docs says
        boolean complete = !options.quick() && options.only().isEmpty() && options.mpscLanes() == 0;
        Path docs = options.docs() != null ? options.docs() : complete && !options.noDocs()
                ? Path.of(System.getProperty("jshm.bench.docs", "docs")) : null;
        if (docs != null && !options.noDocs()) {
            Table rtt = tables.stream().filter(t -> t.id().equals("round_trip")).findFirst().orElse(null);
            if (rtt != null) {
                Chart.latency(rtt, machine.cpu() + ", " + machine.date(), docs.resolve(Docs.CHART));
            }
            String command = "bin/jshm bench" + (options.quick() ? " --quick" : "")
                    + (options.only().isEmpty() ? "" : " --only " + String.join(" ", options.only()));
            Docs.write(docs.resolve("benchmarks.md"), Docs.section(tables, targets, machine, plan, results.notes, command));
            out.println("wrote " + docs.resolve("benchmarks.md") + " and " + docs.resolve(Docs.CHART));
        }
        return results;
    }

    static void removeAll(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory; nothing else to do
        }
    }
}
