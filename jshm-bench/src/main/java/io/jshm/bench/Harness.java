package io.jshm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side run: every part (each transport, then the region life cycle and the bulk
 * copy) once per round, in the same order every round (A B C ... A B C ...), so that whatever
 * else loads the machine shifts all of them alike; the first of several rounds is a warm-up and
 * is not recorded. Each part runs in fresh processes pinned to their cores (see {@link Pair}),
 * so no part inherits another's JIT state, heap or caches.
 */
final class Harness {
    static final String LIFECYCLE = "lifecycle";
    static final String COPY = "copy";
    /** The longest part's name, for the progress lines' column. */
    private static final int PART_WIDTH = parts().stream().mapToInt(String::length).max().orElse(0);

    private final Plan plan;
    private final Path dir;
    private final Native natives;
    private final PrintStream progress;
    private final Results results;
    private final long started = System.nanoTime();

    private Harness(Plan plan, Path dir, Native natives, PrintStream progress) {
        this.plan = plan;
        this.dir = dir;
        this.natives = natives;
        this.progress = progress;
        this.results = new Results(plan);
        results.notes.addAll(natives.notes());
        if (!Processes.TASKSET) {
            results.notes.add("taskset not found or one core only: the processes were not pinned");
        }
    }

    /** {@return the names of the parts, in run order: the transports' labels, the interleaved parts, lifecycle and copy} */
    static List<String> parts() {
        List<String> parts = new ArrayList<>(Transport.labels());
        for (Interleaving i : Interleaving.values()) {
            parts.add(i.part());
        }
        parts.add(LIFECYCLE);
        parts.add(COPY);
        return parts;
    }

    /** {@return the parts that {@code only} picks (all when empty): each word a case-insensitive part of a name} */
    static List<String> select(List<String> only) {
        if (only.isEmpty()) {
            return parts();
        }
        List<String> picked = parts().stream().filter(p -> only.stream()
                .anyMatch(w -> p.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)))).toList();
        if (picked.isEmpty()) {
            throw new IllegalArgumentException("--only " + only + " picks nothing; parts: " + parts());
        }
        return picked;
    }

    /**
     * Runs the parts named in {@code parts}, writing a progress line per part and round to
     * {@code progress}. Work files go to {@code dir}.
     */
    static Results run(Plan plan, List<String> parts, Path dir, PrintStream progress)
            throws IOException, InterruptedException {
        Harness h = new Harness(plan, dir, Native.prepare(dir), progress);
        for (int round = 1; round <= plan.rounds(); round++) {
            boolean record = round > 1 || !plan.discardsFirstRound();
            for (String part : parts) {
                h.show(round, part, record);
                h.runPart(part, round, record);
            }
        }
        progress.printf(Locale.ROOT, "bench: done in %.0f s%n", (System.nanoTime() - h.started) / 1e9);
        return h.results;
    }

    private void show(int round, String part, boolean record) {
        progress.printf(Locale.ROOT, "bench: round %d/%d%s  %-" + PART_WIDTH + "s (%.0f s)%n", round, plan.rounds(),
                record ? "" : " (warm-up)", part, (System.nanoTime() - started) / 1e9);
    }

    private void runPart(String part, int round, boolean record) throws IOException, InterruptedException {
        String prefix = plan.prefix() + "-" + round + "-" + Integer.toString(parts().indexOf(part), 36);
        Interleaving interleaving = Interleaving.ofPart(part);
        if (part.equals(LIFECYCLE)) {
            lifecycle(prefix, record);
        } else if (interleaving != null) {
            Pair.Outcome outcome = Pair.runInterleaved(interleaving, plan, prefix, dir);
            if (record) {
                results.addInterleaved(interleaving, outcome);
            }
        } else if (part.equals(COPY)) {
            copy(prefix, record);
        } else {
            Transport t = Transport.of(part);
            if (t == Transport.C_FLOOR && natives.cfloor().isEmpty()) {
                return;
            }
            Pair.Outcome outcome = Pair.run(t, plan, prefix, dir, natives);
            if (record) {
                results.add(t, outcome);
            }
        }
    }

    private void lifecycle(String prefix, boolean record) throws IOException, InterruptedException {
        Path out = dir.resolve(prefix + ".life");
        for (boolean confined : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of(LIFECYCLE, prefix, out.toString(), confined ? "confined" : "shared"));
            for (int i = 0; i < plan.lifecycleSizes().size(); i++) {
                args.add(plan.lifecycleSizes().get(i) + ":" + plan.lifecycleIterations().get(i));
            }
            Processes.run("jshm life cycle", Processes.pinned(0, Processes.javaChild(args.toArray(String[]::new))), dir, 600);
            keep(record, confined ? Results.LIFE_JSHM_CONFINED : Results.LIFE_JSHM, out);
        }
        for (int i = 0; i < plan.lifecycleSizes().size(); i++) {
            String size = Long.toString(plan.lifecycleSizes().get(i));
            String iterations = Integer.toString(plan.lifecycleIterations().get(i));
            if (natives.cfloor().isPresent()) {
                Processes.run("C life cycle", Processes.pinned(0, List.of(natives.cfloor().get().toString(), LIFECYCLE,
                        prefix, size, iterations, out.toString())), dir, 600);
                keep(record, Results.LIFE_C, out);
            }
            if (natives.python().isPresent()) {
                Processes.run("Python life cycle", Processes.pinned(0, List.of("python3", natives.python().get().toString(),
                        prefix, size, iterations, out.toString())), dir, 600);
                keep(record, Results.LIFE_PYTHON, out);
            }
        }
    }

    private void keep(boolean record, String implementation, Path out) throws IOException {
        if (record) {
            results.addLifecycle(implementation, ResultFile.read(out));
        }
        java.nio.file.Files.deleteIfExists(out);
    }

    private void copy(String prefix, boolean record) throws IOException, InterruptedException {
        Path out = dir.resolve(prefix + ".copy");
        String[] sizes = plan.copySizes().stream().map(String::valueOf).toArray(String[]::new);
        String[] head = {COPY, prefix, Long.toString(plan.copyMillis()), out.toString()};
        String[] args = Arrays.copyOf(head, head.length + sizes.length);
        System.arraycopy(sizes, 0, args, head.length, sizes.length);
        Processes.run("jshm copy", Processes.pinned(0, Processes.javaChild(args)), dir, 600);
        if (record) {
            results.addCopy(ResultFile.read(out), Results.COPY_NATIVE, Results.COPY_HEAP);
        }
        if (natives.cfloor().isPresent()) {
            List<String> c = new ArrayList<>(List.of(natives.cfloor().get().toString()));
            c.addAll(Arrays.asList(args));
            Processes.run("C memcpy", Processes.pinned(0, c), dir, 600);
            if (record) {
                results.addCopy(ResultFile.read(out), Results.COPY_C, Results.COPY_C);
            }
        }
        java.nio.file.Files.deleteIfExists(out);
    }
}
