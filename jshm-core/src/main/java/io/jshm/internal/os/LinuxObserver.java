package io.jshm.internal.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What observers need on Linux, none of which writes or locks anything: read-only mappings that
 * hold no {@code flock} (made with the JDK's file channel, no downcall), creation times ({@code statx} birth time, through the JDK), and which
 * processes map which region (from {@code /proc/<pid>/maps}).
 */
final class LinuxObserver {
    private LinuxObserver() {
    }

    private static final Path PROC = Path.of("/proc");
    private static final String DELETED = " (deleted)";

    /**
     * Maps the region read-only, holding no lock; the channel is closed at once (the mapping
     * stays until {@code arena} closes). Plain file I/O of the JDK, no downcall: a tool that only
     * looks pays no start-up time for native linking.
     */
    static MemorySegment observe(Target target, Path path, Arena arena) {
        String name = target.display();
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) { // never open a FIFO or device: that could block or change it
                throw OsException.of(ErrorKind.CORRUPT, name, "not a regular file or shared-memory object");
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                long size = channel.size();
                return size == 0 ? MemorySegment.ofArray(new byte[0]).asReadOnly()
                        : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
        } catch (NoSuchFileException e) {
            throw new OsException("open", name, Errno.ENOENT, ErrorKind.NOT_FOUND, Errno.describe(Errno.ENOENT));
        } catch (AccessDeniedException e) {
            throw new OsException("open", name, Errno.EACCES, ErrorKind.PERMISSION_DENIED, Errno.describe(Errno.EACCES));
        } catch (IOException e) {
            throw new OsException("open", name, 0, ErrorKind.OTHER, e.getMessage());
        }
    }

    /** {@return the birth time where the file system records it (tmpfs does), else {@code fallback}} */
    static Instant created(String path, Instant fallback) {
        try {
            Instant born = Files.readAttributes(Path.of(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .creationTime().toInstant();
            // Without a birth time the JDK reports the modification time; an epoch 0 means "unknown".
            return born.getEpochSecond() == 0 ? fallback : born;
        } catch (IOException | UnsupportedOperationException e) {
            return fallback;
        }
    }

    /**
     * {@return the processes mapping each file, by the file's path, from every readable
     * {@code /proc/<pid>/maps}} Shared mappings only; unlinked files ({@code (deleted)}) are left
     * out; processes whose maps this user may not read are skipped.
     */
    static Map<String, List<Mapper>> mappers() {
        Map<String, List<Mapper>> byPath = new HashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, LinuxObserver::isPid)) {
            for (Path dir : pids) {
                long pid = Long.parseLong(dir.getFileName().toString());
                List<String> paths = sharedPaths(dir.resolve("maps"));
                if (paths.isEmpty()) {
                    continue;
                }
                Mapper mapper = new Mapper(pid, command(dir));
                for (String p : paths) {
                    List<Mapper> list = byPath.computeIfAbsent(p, k -> new ArrayList<>());
                    if (!list.contains(mapper)) {
                        list.add(mapper);
                    }
                }
            }
        } catch (IOException e) {
            return Map.of(); // no /proc: nothing known
        }
        byPath.values().forEach(list -> list.sort(Comparator.comparingLong(Mapper::pid)));
        return byPath;
    }

    private static boolean isPid(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** The paths of the shared file mappings in one maps file (fields: address perms offset dev inode path). */
    private static List<String> sharedPaths(Path maps) {
        String text;
        try {
            text = Files.readString(maps, StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return List.of(); // exited, or not ours to read
        }
        List<String> paths = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            sharedPath(text, at, end, paths);
            at = end + 1;
        }
        return paths;
    }

    private static void sharedPath(String text, int start, int end, List<String> paths) {
        int perms = text.indexOf(' ', start) + 1;
        if (perms <= 0 || perms + 4 > end || text.charAt(perms + 3) != 's') {
            return;
        }
        int slash = text.indexOf('/', perms);
        if (slash < 0 || slash >= end) {
            return;
        }
        String path = text.substring(slash, end);
        if (!path.endsWith(DELETED)) {
            paths.add(path);
        }
    }

    private static String command(Path dir) {
        try {
            return Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException | SecurityException e) {
            return "?";
        }
    }
}
