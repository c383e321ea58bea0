package io.jshm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The programs in other languages that the harness runs beside jshm: the C floor
 * ({@code cfloor.c}, compiled with gcc into the run's work directory at bench time) and the
 * Python life-cycle script ({@code lifecycle.py}). Both ship as resources of this jar. Either is
 * absent, with a note saying why, when its tool is missing.
 */
final class Native {
    private final Path cfloor;
    private final Path python;
    private final List<String> notes;

    private Native(Path cfloor, Path python, List<String> notes) {
        this.cfloor = cfloor;
        this.python = python;
        this.notes = notes;
    }

    /** Compiles the C floor and extracts the Python script into {@code dir}, where their tools exist. */
    static Native prepare(Path dir) throws IOException, InterruptedException {
        Path c = extract("cfloor.c", dir);
        Path py = extract("lifecycle.py", dir);
        Path binary = dir.resolve("cfloor");
        java.util.ArrayList<String> notes = new java.util.ArrayList<>();
        Path cfloor = null;
        if (!Processes.available(dir, "gcc", "--version")) {
            notes.add("gcc not found: the C floor (round trips, streams, life cycle, memcpy) was skipped");
        } else {
            Processes.run("gcc", List.of("gcc", "-O2", "-DRING_DATA=" + Pair.C_RING_HEADER,
                    "-DSMALL_RING=" + Pair.RING + "L", "-DBIG_RING=" + Pair.BIG_RING + "L", "-o", binary.toString(),
                    c.toString(), "-lrt"), dir, 120);
            cfloor = binary;
        }
        Path python = null;
        if (!Processes.available(dir, "python3", "-c", "import multiprocessing.shared_memory")) {
            notes.add("python3 with multiprocessing.shared_memory not found: Python's life cycle was skipped");
        } else {
            python = py;
        }
        return new Native(cfloor, python, List.copyOf(notes));
    }

    private static Path extract(String resource, Path dir) throws IOException {
        Path target = dir.resolve(resource);
        try (InputStream in = Native.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " missing from the bench jar");
            }
            Files.copy(in, target);
        }
        return target;
    }

    /** {@return the compiled C floor, if gcc was there} */
    Optional<Path> cfloor() {
        return Optional.ofNullable(cfloor);
    }

    /** {@return the Python life-cycle script, if python3 was there} */
    Optional<Path> python() {
        return Optional.ofNullable(python);
    }

    /** {@return why something was skipped} */
    List<String> notes() {
        return notes;
    }
}
