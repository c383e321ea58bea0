package io.jshm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** What the tests look at from outside the library: /dev/shm entries, modes, /proc/self. */
public final class ShmFiles {

    public static final Path SHM = Path.of("/dev/shm");
    private static final Pattern MAPPING_HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private ShmFiles() {
    }

    /** {@return the /dev/shm path of a region name} */
    public static Path path(String name) {
        return SHM.resolve(name);
    }

    /** {@return whether /dev/shm has an entry of that name} */
    public static boolean present(String name) {
        return Files.exists(path(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** {@return the full mode bits (permissions, sticky bit) of a file, as stat reports them} */
    public static int mode(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the number of open descriptors of this process} */
    public static int openDescriptors() {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the number of mappings of this process (lines of /proc/self/maps)} */
    public static int mappings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the resident kilobytes of the mapping that starts at {@code address}, from /proc/self/smaps} */
    public static long residentKilobytes(long address) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String start = Long.toHexString(address) + "-";
        boolean inside = false;
        for (String line : lines) {
            if (MAPPING_HEADER.matcher(line).lookingAt()) {
                inside = line.startsWith(start);
            } else if (inside && line.startsWith("Rss:")) {
                return Long.parseLong(line.substring(4).replace("kB", "").trim());
            }
        }
        throw new AssertionError("no mapping starts at 0x" + Long.toHexString(address) + " in /proc/self/smaps");
    }

    /** Waits until {@code condition} holds, polling every few milliseconds; fails after the timeout. */
    public static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }
}
