package io.jshm.internal.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * POSIX shared memory on Linux: {@code shm_open} objects under {@code /dev/shm}, and files.
 *
 * <h2>Lifetime protocol</h2>
 * Every open handle holds a shared {@code flock} on its own descriptor. A closing handle first
 * releases it, then tries a non-blocking exclusive lock; whoever gets it is the last user and,
 * for a region that lives until last close, unlinks it. The kernel drops the locks of a process
 * that dies, so a region whose every user crashed holds no lock: the next opener wins the
 * exclusive lock, sees the region is stale, and removes it.
 *
 * <p>Markers live in the object's mode, outside its bytes (see {@code docs/layout.md}):
 * permission bits {@code 0000} mean "still being made" (the creator sets the final mode last),
 * and the sticky bit means "remove on last close". A region without the sticky bit (persistent,
 * or made by another program) is never treated as stale.
 */
final class LinuxPlatform implements Platform {

    private static final Path SHM_DIR = Path.of("/dev/shm");
    private static final int NAME_MAX = 255;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The page size, asked of the system on first use: a process that only looks never needs it. */
    private static final class Page {
        static final long SIZE = LibC.pageSize();
    }

    @Override
    public int maxNameLength() {
        return NAME_MAX;
    }

    @Override
    public long mapAlignment() {
        return Page.SIZE;
    }

    // ---------------------------------------------------------------- create

    @Override
    public NativeRegion create(Target target, long size, int mode, boolean untilLastClose, long timeoutNanos) {
        String where = directoryOf(target);
        long free = LibC.freeBytes(where);
        if (size > free) {
            throw OsException.of(ErrorKind.NO_SPACE, target.display(),
                    "no space: " + size + " bytes asked, " + free + " bytes free in " + where);
        }
        for (int attempt = 0; ; attempt++) {
            int fd;
            try {
                // Mode 0 marks the object as "being made" until the final fchmod below.
                fd = openFd(target, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, 0);
            } catch (OsException e) {
                if (e.kind() == ErrorKind.ALREADY_EXISTS && attempt == 0 && isGoneAfterCheck(target, timeoutNanos)) {
                    continue;
                }
                throw e.kind() == ErrorKind.ALREADY_EXISTS ? namingTheOwner(target, e) : e;
            }
            try {
                LibC.flock(fd, LibC.LOCK_SH, target.display());
                // posix_fallocate sizes the object as it reserves it (POSIX: a file shorter than
                // offset + len grows to that), so no ftruncate: one system call fewer per create
                LibC.posixFallocate(fd, size, target.display());
                LibC.fchmod(fd, mode | (untilLastClose ? LibC.S_ISVTX : 0), target.display());
                return new Handle(fd, target, size, false, untilLastClose, LibC.getuid());
            } catch (RuntimeException | Error e) {
                removeIfSame(target, fd);
                LibC.close(fd);
                throw e;
            }
        }
    }

    /**
     * Checks an existing object that blocks a create: opening it removes it if stale.
     * {@return true if it is gone now}
     */
    private boolean isGoneAfterCheck(Target target, long timeoutNanos) {
        try {
            open(target, true, timeoutNanos).close();
            return false;
        } catch (OsException e) {
            return e.kind() == ErrorKind.NOT_FOUND;
        }
    }

    // ---------------------------------------------------------------- open

    @Override
    public NativeRegion open(Target target, boolean readOnly, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            NativeRegion region = tryOpen(target, readOnly, deadline);
            if (region != null) {
                return region;
            }
            pause();
        }
    }

    /** One attempt of {@link #open}; {@return the region, or null to try again} */
    private NativeRegion tryOpen(Target target, boolean readOnly, long deadline) {
        String name = target.display();
        int fd;
        try {
            fd = openFd(target, readOnly ? LibC.O_RDONLY : LibC.O_RDWR, 0);
        } catch (OsException e) {
            if (e.kind() == ErrorKind.PERMISSION_DENIED && beingMade(target)) {
                if (!past(deadline)) {
                    return null; // mode 0000 while its creator makes it: wait for the final mode
                }
                OsException unfinished = unfinished(target);
                if (unfinished == null) {
                    return null; // finished or gone meanwhile: look again
                }
                throw unfinished;
            }
            throw e;
        }
        try {
            LibC.Stat st;
            if (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB, name)) {
                // Nobody else holds it: its mode says whether it is half-made, stale or persistent.
                // (Where others hold it, the fstat after our shared lock is the only one.)
                st = LibC.fstat(fd, name);
                if (st.permissions() == 0) {
                    if (!past(deadline)) {
                        LibC.close(fd);
                        return null; // its creator may be between shm_open and flock
                    }
                    removeIfSame(target, fd);
                    throw OsException.of(ErrorKind.NOT_FOUND, name,
                            "no such region: its creator died before finishing it; removed the remains");
                }
                if (st.sticky()) {
                    removeIfSame(target, fd);
                    throw OsException.of(ErrorKind.NOT_FOUND, name,
                            "no such region: it was stale (every process that had it open has exited); removed it");
                }
                LibC.flock(fd, LibC.LOCK_SH, name); // persistent or foreign: hold it like any user
            } else {
                while (!LibC.flock(fd, LibC.LOCK_SH | LibC.LOCK_NB, name)) {
                    if (past(deadline)) {
                        throw OsException.of(ErrorKind.TIMED_OUT, name,
                                "timed out waiting for another process that holds the region exclusively");
                    }
                    pause();
                }
            }
            st = LibC.fstat(fd, name);
            if (st.nlink() == 0) {
                LibC.close(fd);
                return null; // removed while we waited for the lock: look again
            }
            while (st.permissions() == 0) {
                if (past(deadline)) {
                    // its creator holds it (we could not lock it exclusively): alive, but slow
                    throw OsException.of(ErrorKind.TIMED_OUT, name,
                            "region is incomplete: its creator has not finished making it in time");
                }
                pause();
                st = LibC.fstat(fd, name);
            }
            if ((st.mode() & LibC.S_IFMT) != LibC.S_IFREG) {
                throw OsException.of(ErrorKind.CORRUPT, name, "not a regular file or shared-memory object");
            }
            if (st.size() <= 0) {
                throw OsException.of(ErrorKind.INVALID_SIZE, name,
                        "region has size 0: its creator has not sized it (ftruncate) yet");
            }
            return new Handle(fd, target, st.size(), readOnly, st.sticky(), st.uid());
        } catch (RuntimeException | Error e) {
            LibC.close(fd);
            throw e;
        }
    }

    /**
     * What to report for an object still at mode 0000 after the open timeout, when this user cannot
     * open it to look (only root can open a mode 0000 object, and takes the flock path above).
     * A creator locks its object first thing, so {@code /proc/locks} tells: a holder means a live
     * creator that has not finished in time; none means the creator died, and its remains are
     * removed, as the flock path does.
     * {@return the exception to throw, or null if the object was finished or removed meanwhile}
     */
    private OsException unfinished(Target target) {
        String name = target.display();
        LibC.Stat st;
        try {
            st = LibC.lstat(pathOf(target));
        } catch (OsException e) {
            return null;
        }
        if (st.permissions() != 0) {
            return null;
        }
        FlockTable locks = FlockTable.read();
        if (!locks.known() || !locks.holders(st).isEmpty()) {
            return OsException.of(ErrorKind.TIMED_OUT, name,
                    "region is incomplete: its creator has not finished making it in time");
        }
        try {
            unlink(target);
        } catch (OsException e) {
            return e; // another user's remains, which this user may not remove
        }
        return OsException.of(ErrorKind.NOT_FOUND, name,
                "no such region: its creator died before finishing it; removed the remains");
    }

    /**
     * {@return {@code e}, saying who owns the existing object when that is another user} so that a
     * squatter (another user who made the name first) is named in the error
     */
    private static OsException namingTheOwner(Target target, OsException e) {
        try {
            String path = pathOf(target);
            LibC.Stat st = LibC.lstat(path);
            if (st.uid() == LibC.getuid()) {
                return e;
            }
            return new OsException(e.call(), e.object(), e.code(), e.kind(), e.reason()
                    + "; it belongs to another user, " + describeUser(Path.of(path), st.uid()));
        } catch (OsException gone) {
            return e;
        }
    }

    /** {@return a user as "name (uid N)", or "uid N" when the name cannot be found} */
    private static String describeUser(Path path, int uid) {
        String id = "uid " + Integer.toUnsignedString(uid);
        try {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName() + " (" + id + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return id;
        }
    }

    /** {@return true if the object exists with permission bits 0000, i.e. its creator is making it} */
    private static boolean beingMade(Target target) {
        try {
            return LibC.lstat(pathOf(target)).permissions() == 0;
        } catch (OsException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- unlink, stat, list

    @Override
    public boolean unlink(Target target) {
        return switch (target) {
            case Target.Named n -> LibC.shmUnlink(shmName(n));
            case Target.File f -> LibC.unlink(f.path().toString());
        };
    }

    @Override
    public Optional<RegionStat> stat(Target target) {
        Path path = Path.of(pathOf(target));
        LibC.Stat st;
        try {
            st = observedStat(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw OsException.of(e instanceof AccessDeniedException ? ErrorKind.PERMISSION_DENIED : ErrorKind.OTHER,
                    target.display(), "stat failed: " + e.getMessage());
        }
        return Optional.of(describe(target.display(), path, st, FlockTable.read()));
    }

    @Override
    public List<RegionStat> list() {
        FlockTable locks = FlockTable.read();
        List<RegionStat> result = new ArrayList<>();
        try (Stream<Path> entries = Files.list(SHM_DIR)) {
            for (Path path : (Iterable<Path>) entries::iterator) {
                try {
                    LibC.Stat st = observedStat(path);
                    if ((st.mode() & LibC.S_IFMT) == LibC.S_IFREG) {
                        result.add(describe(path.getFileName().toString(), path, st, locks));
                    }
                } catch (IOException e) {
                    // removed while we listed: skip it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + SHM_DIR, e);
        }
        result.sort(Comparator.comparing(RegionStat::name));
        return result;
    }

    /**
     * {@code lstat} through the JDK's {@code unix} attribute view rather than a downcall: what only
     * looks ({@code stat}, {@code list}, so {@code jshm ls} and {@code info}) then links no native
     * function at all, which is most of a short-lived process's start-up.
     */
    private static LibC.Stat observedStat(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,size,nlink,ino,dev,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        long dev = (Long) a.get("dev");
        int major = (int) ((dev >>> 8) & 0xFFF | (dev >>> 32) & ~0xFFFL); // Linux's dev_t encoding
        int minor = (int) (dev & 0xFF | (dev >>> 12) & ~0xFFL);
        return new LibC.Stat((Long) a.get("size"), (Integer) a.get("mode"), (Integer) a.get("uid"),
                (Integer) a.get("nlink"), (Long) a.get("ino"), major, minor,
                ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond());
    }

    private static RegionStat describe(String name, Path path, LibC.Stat st, FlockTable locks) {
        List<Long> holders = locks.holders(st);
        boolean complete = st.permissions() != 0;
        boolean stale = locks.known() && st.sticky() && complete && holders.isEmpty();
        return new RegionStat(name, path.toString(), st.size(), st.permissions() & 0777, ownerOf(path, st),
                Instant.ofEpochSecond(st.mtimeSeconds()), st.sticky(), complete, stale, holders);
    }

    private static String ownerOf(Path path, LibC.Stat st) {
        try {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return Integer.toUnsignedString(st.uid());
        }
    }

    // ---------------------------------------------------------------- observers (LinuxObserver)

    @Override
    public MemorySegment observe(Target target, Arena arena) {
        return LinuxObserver.observe(target, Path.of(pathOf(target)), arena);
    }

    @Override
    public Map<String, List<Mapper>> mappers() {
        return LinuxObserver.mappers();
    }

    @Override
    public Instant created(RegionStat stat) {
        return LinuxObserver.created(stat.path(), stat.modified());
    }

    // ---------------------------------------------------------------- waiting and processes

    @Override
    public WaitOutcome await(long address, int expected, long timeoutNanos) {
        return switch (LibC.futexWait(address, expected, Math.max(0, timeoutNanos))) {
            case LibC.FUTEX_WOKEN -> WaitOutcome.WOKEN;
            case LibC.FUTEX_TIMED_OUT -> WaitOutcome.TIMED_OUT;
            case LibC.FUTEX_VALUE_CHANGED -> WaitOutcome.VALUE_CHANGED;
            default -> WaitOutcome.INTERRUPTED;
        };
    }

    @Override
    public void wake(long address, int count) {
        LibC.futexWake(address, count);
    }

    @Override
    public long currentPid() {
        return ProcessHandle.current().pid();
    }

    /** Field 22 of {@code /proc/<pid>/stat}: start time in clock ticks since boot. */
    @Override
    public long processStartTime(long pid) {
        if (pid <= 0) {
            return 0;
        }
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return 0; // no such process
        }
        // "pid (comm) S ppid ..." where comm may hold spaces and parentheses: split after the last ')'
        int close = stat.lastIndexOf(')');
        String[] fields = stat.substring(close + 2).split(" ");
        char state = fields[0].charAt(0);
        if (state == 'Z' || state == 'X') {
            return 0; // dead, not yet reaped
        }
        long start = Long.parseLong(fields[19]);
        return start == 0 ? 1 : start;
    }

    // ---------------------------------------------------------------- helpers

    private static String shmName(Target.Named named) {
        return "/" + named.name();
    }

    private static String pathOf(Target target) {
        return switch (target) {
            case Target.Named n -> SHM_DIR.resolve(n.name()).toString();
            case Target.File f -> f.path().toString();
        };
    }

    private static String directoryOf(Target target) {
        return switch (target) {
            case Target.Named n -> SHM_DIR.toString();
            case Target.File f -> {
                Path parent = f.path().toAbsolutePath().getParent();
                yield parent == null ? "/" : parent.toString();
            }
        };
    }

    private static int openFd(Target target, int flags, int mode) {
        return switch (target) {
            case Target.Named n -> LibC.shmOpen(shmName(n), flags | LibC.O_CLOEXEC, mode);
            case Target.File f -> {
                try {
                    yield LibC.open(f.path().toString(), flags | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, mode);
                } catch (OsException e) {
                    if (e.code() != Errno.ELOOP) {
                        throw e;
                    }
                    throw new OsException(e.call(), e.object(), e.code(), ErrorKind.PERMISSION_DENIED, e.reason()
                            + ": the path is a symbolic link, which jshm never follows (O_NOFOLLOW)");
                }
            }
        };
    }

    /**
     * Removes the region's name if it still names the object open on {@code fd} (and not a newer
     * object made under the same name). Errors are swallowed: the object then stays, and is stale.
     */
    private void removeIfSame(Target target, int fd) {
        try {
            LibC.Stat mine = LibC.fstat(fd, target.display());
            if (mine.nlink() > 0 && mine.sameFile(LibC.lstat(pathOf(target)))) {
                unlink(target);
            }
        } catch (OsException e) {
            // already gone, or not ours to remove
        }
    }

    private static boolean past(long deadline) {
        return System.nanoTime() - deadline > 0;
    }

    private static void pause() {
        LockSupport.parkNanos(PAUSE_NANOS);
    }

    /** An open region: its descriptor holds a shared flock for as long as it is open. */
    private final class Handle implements NativeRegion {
        private final int fd;
        private final Target target;
        private final long size;
        private final boolean readOnly;
        private final boolean untilLastClose;
        private final int uid;

        Handle(int fd, Target target, long size, boolean readOnly, boolean untilLastClose, int uid) {
            this.fd = fd;
            this.target = target;
            this.size = size;
            this.readOnly = readOnly;
            this.untilLastClose = untilLastClose;
            this.uid = uid;
        }

        @Override
        public String foreignOwner() {
            return uid == LibC.getuid() ? null : describeUser(Path.of(pathOf(target)), uid);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public boolean untilLastClose() {
            return untilLastClose;
        }

        @Override
        public boolean readOnly() {
            return readOnly;
        }

        @Override
        public long map(long offset, long length, boolean populate) {
            return LibC.mmap(fd, offset, length, !readOnly, populate, target.display());
        }

        @Override
        public void unmap(long address, long length) {
            LibC.munmap(address, length);
        }

        @Override
        public void close() {
            try {
                String name = target.display();
                // Release first, then try for the exclusive lock: converting in one call could
                // drop our shared lock and let two last closers both fail (see DESIGN.md).
                LibC.flock(fd, LibC.LOCK_UN, name);
                if (untilLastClose && LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB, name)) {
                    removeIfSame(target, fd);
                }
            } catch (OsException e) {
                // a close must not fail; the worst outcome is a stale region, which open and gc remove
            } finally {
                LibC.close(fd);
            }
        }
    }

    /** The flock holders of every file, from {@code /proc/locks}; read-only, disturbs no one. */
    private record FlockTable(Map<String, List<Long>> byInode, boolean known) {

        static FlockTable read() {
            Map<String, List<Long>> map = new HashMap<>();
            boolean known = true;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                    // "1: FLOCK  ADVISORY  READ  1234 00:1a:5678 0 EOF"; waiters have "->" after the id
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 6 || !"FLOCK".equals(f[1])) {
                        continue;
                    }
                    map.computeIfAbsent(f[5], k -> new ArrayList<>()).add(Long.parseLong(f[4]));
                }
            } catch (IOException | NumberFormatException e) {
                known = false; // no /proc/locks: nothing known about holders, so nothing is called stale
            }
            return new FlockTable(map, known);
        }

        List<Long> holders(LibC.Stat st) {
            String key = String.format("%02x:%02x:%d", st.devMajor(), st.devMinor(), st.ino());
            return byInode.getOrDefault(key, List.of()).stream().distinct().sorted().toList();
        }
    }
}
