package io.jshm.internal.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Windows file mappings: {@code CreateFileMappingW} / {@code OpenFileMappingW} objects named
 * {@code Local\name} (or {@code Global\name}), and file-backed mappings through {@code CreateFileW}.
 * The Win32 calls come through {@link Win32}, built on whatever linker and lookup this class is
 * given, so that the same code runs on Windows (native linker, kernel32) and, in the tests, on
 * Linux (the JDK's Windows x64 linker and a library with Windows semantics). See
 * {@code docs/windows.md}.
 *
 * <h2>Lifetime</h2>
 * A page-file-backed mapping lives while any handle or view of it exists, in any process, and the
 * kernel closes a dead process's handles: {@code UNTIL_LAST_CLOSE} is what Windows does by itself,
 * crash included. {@code PERSISTENT} named regions are impossible and refused.
 *
 * <h2>Size record</h2>
 * Windows rounds views up to whole pages and cannot tell a section's exact size. The creator
 * therefore makes, before the region itself, a second mapping {@code <object name>#size} holding
 * the size as a little-endian 8-byte integer, and every jshm handle holds it open too. An opener
 * that finds no record (the region was made by another program) takes the page-rounded size of a
 * whole view ({@code VirtualQuery}); a record larger than that view is refused as corrupt.
 *
 * <p>Thread-safe: the Win32 bindings are immutable and the table of views is concurrent.
 */
final class WindowsPlatform implements Platform {

    /** Leaves room, within {@code MAX_PATH} (260), for {@code Global\} and the wait objects' suffix. */
    static final int MAX_NAME = 200;
    private static final String SIZE_SUFFIX = "#size";
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Win32 win32;
    private final String namespace;
    private final long pageSize;
    private final long granularity;
    private final WindowsWaits waits;

    /**
     * @param linker    the linker for kernel32's calling convention (Windows x64)
     * @param lookup    where the kernel32 functions are found
     * @param lastError how a failed call's {@code GetLastError} value is read
     * @param global    whether names live in {@code Global\} (needs {@code SeCreateGlobalPrivilege}
     *                  to create) rather than the session's {@code Local\}
     */
    WindowsPlatform(Linker linker, SymbolLookup lookup, LastError lastError, boolean global) {
        this.win32 = new Win32(linker, lookup, lastError);
        this.namespace = global ? "Global\\" : "Local\\";
        long[] system = win32.pageSizeAndGranularity();
        this.pageSize = system[0];
        this.granularity = system[1];
        this.waits = new WindowsWaits(win32, namespace);
    }

    /**
     * The platform of a Windows JVM: kernel32 through the native linker. Names go to
     * {@code Local\} unless the system property {@code jshm.windows.namespace} is {@code Global}.
     */
    static WindowsPlatform system() {
        String ns = System.getProperty("jshm.windows.namespace", "Local");
        if (!ns.equals("Local") && !ns.equals("Global")) {
            throw new IllegalArgumentException("jshm.windows.namespace must be Local or Global, not " + ns);
        }
        return new WindowsPlatform(Linker.nativeLinker(), SymbolLookup.libraryLookup("kernel32", Arena.global()),
                LastError.captured(), ns.equals("Global"));
    }

    @Override
    public int maxNameLength() {
        return MAX_NAME;
    }

    @Override
    public long mapAlignment() {
        return granularity;
    }

    // ---------------------------------------------------------------- create

    @Override
    public NativeRegion create(Target target, long size, int mode, boolean untilLastClose, long timeoutNanos) {
        return switch (target) {
            case Target.Named n -> createNamed(n, size, untilLastClose, timeoutNanos);
            case Target.File f -> createFile(f, size, untilLastClose);
        };
    }

    private NativeRegion createNamed(Target.Named target, long size, boolean untilLastClose, long timeoutNanos) {
        String name = target.name();
        if (!untilLastClose) {
            throw OsException.of(ErrorKind.OTHER, name, "a PERSISTENT named region is not possible on Windows: "
                    + "a page-file-backed mapping goes away with its last handle; use a file-backed region "
                    + "(SharedMemory.create(Path, size)) for data that outlives its users");
        }
        String object = objectName(name);
        long deadline = System.nanoTime() + timeoutNanos;
        long record = makeSizeRecord(object, size, name, deadline);
        try {
            Win32.Created region = privileged(() -> win32.createFileMapping(Win32.INVALID_HANDLE_VALUE,
                    Win32.PAGE_READWRITE, size, object, name));
            if (region.existed()) {
                win32.closeHandle(region.handle());
                throw exists(name);
            }
            return new Handle(target, 0, region.handle(), record, size, false, true);
        } catch (RuntimeException | Error e) {
            win32.closeHandle(record);
            throw e;
        }
    }

    /**
     * Makes the size record of a region about to be created. A record that exists already means the
     * region exists, or is being made or closed by another process: that is reported as "already
     * exists" once the region is seen, and waited out (up to the deadline) while it is not.
     * {@return the record's handle}
     */
    private long makeSizeRecord(String object, long size, String name, long deadline) {
        while (true) {
            Win32.Created record = privileged(() -> win32.createFileMapping(Win32.INVALID_HANDLE_VALUE,
                    Win32.PAGE_READWRITE, Long.BYTES, object + SIZE_SUFFIX, name));
            if (!record.existed()) {
                try {
                    long view = win32.mapViewOfFile(record.handle(), Win32.FILE_MAP_WRITE, 0, Long.BYTES, name);
                    MemorySegment.ofAddress(view).reinterpret(Long.BYTES).set(JAVA_LONG, 0, size);
                    win32.unmapViewOfFile(view);
                    return record.handle();
                } catch (RuntimeException | Error e) {
                    win32.closeHandle(record.handle());
                    throw e;
                }
            }
            win32.closeHandle(record.handle());
            if (mappingExists(object, name)) {
                throw exists(name);
            }
            if (System.nanoTime() - deadline > 0) {
                throw OsException.of(ErrorKind.TIMED_OUT, name,
                        "timed out waiting for another process that is making or closing a region of that name");
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    private NativeRegion createFile(Target.File target, long size, boolean untilLastClose) {
        String path = target.path().toString();
        if (untilLastClose) {
            throw OsException.of(ErrorKind.OTHER, path, "UNTIL_LAST_CLOSE is not supported for a file-backed region "
                    + "on Windows: use PERSISTENT and delete the file, or a named region");
        }
        long file = win32.createFile(path, Win32.GENERIC_READ | Win32.GENERIC_WRITE, Win32.CREATE_NEW);
        try {
            // A mapping larger than its file extends the file to the mapping's size.
            long mapping = win32.createFileMapping(file, Win32.PAGE_READWRITE, size, null, path).handle();
            return new Handle(target, file, mapping, 0, size, false, false);
        } catch (RuntimeException | Error e) {
            win32.closeHandle(file);
            deleteQuietly(target);
            throw e;
        }
    }

    // ---------------------------------------------------------------- open

    @Override
    public NativeRegion open(Target target, boolean readOnly, long timeoutNanos) {
        return switch (target) {
            case Target.Named n -> openNamed(n, readOnly);
            case Target.File f -> openFile(f, readOnly);
        };
    }

    private NativeRegion openNamed(Target.Named target, boolean readOnly) {
        String name = target.name();
        String object = objectName(name);
        long mapping = win32.openFileMapping(readOnly ? Win32.FILE_MAP_READ : Win32.FILE_MAP_ALL_ACCESS, object, name);
        long record = 0;
        try {
            record = openIfAny(object + SIZE_SUFFIX, name);
            long size = sizeOf(mapping, record, name);
            return new Handle(target, 0, mapping, record, size, readOnly, true);
        } catch (RuntimeException | Error e) {
            win32.closeHandle(mapping);
            if (record != 0) {
                win32.closeHandle(record);
            }
            throw e;
        }
    }

    /** {@return the region's size: its size record, checked against the page-rounded size of a whole view} */
    private long sizeOf(long mapping, long record, String name) {
        long view = win32.mapViewOfFile(mapping, Win32.FILE_MAP_READ, 0, 0, name);
        long rounded;
        try {
            rounded = win32.regionSize(view, name);
        } finally {
            win32.unmapViewOfFile(view);
        }
        if (record == 0) {
            return rounded;
        }
        long recorded;
        long recordView = win32.mapViewOfFile(record, Win32.FILE_MAP_READ, 0, Long.BYTES, name);
        try {
            recorded = MemorySegment.ofAddress(recordView).reinterpret(Long.BYTES).get(JAVA_LONG, 0);
        } finally {
            win32.unmapViewOfFile(recordView);
        }
        if (recorded <= 0 || recorded > rounded) {
            throw OsException.of(ErrorKind.CORRUPT, name, "size record says " + recorded
                    + " bytes, but the mapping has " + rounded + " bytes");
        }
        return recorded;
    }

    private NativeRegion openFile(Target.File target, boolean readOnly) {
        String path = target.path().toString();
        long file = win32.createFile(path, readOnly ? Win32.GENERIC_READ : Win32.GENERIC_READ | Win32.GENERIC_WRITE,
                Win32.OPEN_EXISTING);
        try {
            long size = win32.fileSize(file, path);
            if (size <= 0) {
                throw OsException.of(ErrorKind.INVALID_SIZE, path, "the file is empty: a region needs at least 1 byte");
            }
            long mapping = win32.createFileMapping(file, readOnly ? Win32.PAGE_READONLY : Win32.PAGE_READWRITE, 0,
                    null, path).handle();
            return new Handle(target, file, mapping, 0, size, readOnly, false);
        } catch (RuntimeException | Error e) {
            win32.closeHandle(file);
            throw e;
        }
    }

    // ---------------------------------------------------------------- unlink, stat, list

    /**
     * A named region cannot be removed on Windows, only closed: refused if it exists. A file is
     * deleted (Windows refuses while a process maps it).
     */
    @Override
    public boolean unlink(Target target) {
        return switch (target) {
            case Target.Named n -> {
                if (!mappingExists(objectName(n.name()), n.name())) {
                    yield false;
                }
                throw OsException.of(ErrorKind.OTHER, n.name(), "a named region cannot be removed on Windows: "
                        + "it goes away when its last handle closes");
            }
            case Target.File f -> {
                try {
                    yield Files.deleteIfExists(f.path());
                } catch (AccessDeniedException e) {
                    throw OsException.of(ErrorKind.PERMISSION_DENIED, f.display(), "cannot delete the file: " + e.getMessage());
                } catch (IOException e) {
                    throw OsException.of(ErrorKind.OTHER, f.display(), "cannot delete the file: " + e);
                }
            }
        };
    }

    /**
     * Opens the region read-only for a moment to read its size. Windows keeps no mode, owner or
     * modification time for a named mapping: those come back as {@code 0600} (the default security
     * descriptor admits the creator's user only), "unknown" and the epoch.
     */
    @Override
    public Optional<RegionStat> stat(Target target) {
        return switch (target) {
            case Target.Named n -> {
                NativeRegion region;
                try {
                    region = openNamed(n, true);
                } catch (OsException e) {
                    if (e.kind() == ErrorKind.NOT_FOUND) {
                        yield Optional.empty();
                    }
                    throw e;
                }
                long size = region.size();
                region.close();
                yield Optional.of(new RegionStat(n.name(), objectName(n.name()), size, 0600, "unknown", Instant.EPOCH,
                        true, true, false, List.of()));
            }
            case Target.File f -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(f.path(), BasicFileAttributes.class);
                    yield Optional.of(new RegionStat(f.display(), f.display(), a.size(), 0600, "unknown",
                            a.lastModifiedTime().toInstant(), false, true, false, List.of()));
                } catch (NoSuchFileException e) {
                    yield Optional.empty();
                } catch (IOException e) {
                    throw OsException.of(ErrorKind.OTHER, f.display(), "cannot read the file's attributes: " + e);
                }
            }
        };
    }

    /** Win32 has no call that lists the named objects of a namespace: refused. */
    @Override
    public List<RegionStat> list() {
        throw OsException.of(ErrorKind.OTHER, namespace + "*",
                "listing named file mappings is not possible through Win32 on Windows");
    }

    // ---------------------------------------------------------------- waiting and processes

    @Override
    public WaitOutcome await(long address, int expected, long timeoutNanos) {
        return waits.await(address, expected, timeoutNanos);
    }

    @Override
    public void wake(long address, int count) {
        waits.wake(address, count);
    }

    @Override
    public long currentPid() {
        return Integer.toUnsignedLong(win32.currentProcessId());
    }

    /** {@code GetProcessTimes}' creation time, in 100 ns units since 1601; 0 for an exited or unknown process. */
    @Override
    public long processStartTime(long pid) {
        if (pid <= 0 || pid > 0xFFFF_FFFFL) {
            return 0;
        }
        return win32.processCreationTime((int) pid);
    }

    // ---------------------------------------------------------------- helpers

    /** {@return the Win32 object name of a region: {@code Local\name}} */
    String objectName(String name) {
        return namespace + name;
    }

    private boolean mappingExists(String object, String name) {
        long h = openIfAny(object, name);
        if (h == 0) {
            return false;
        }
        win32.closeHandle(h);
        return true;
    }

    /** {@return a read-only handle on the named mapping, or 0 if there is none} */
    private long openIfAny(String object, String name) {
        try {
            return win32.openFileMapping(Win32.FILE_MAP_READ, object, name);
        } catch (OsException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return 0;
            }
            throw e;
        }
    }

    /** {@return the "already exists" that {@code CreateFileMappingW} reports with a valid handle} */
    private OsException exists(String name) {
        return new OsException("CreateFileMappingW", name, WinError.ERROR_ALREADY_EXISTS, ErrorKind.ALREADY_EXISTS,
                WinError.describe(WinError.ERROR_ALREADY_EXISTS, win32));
    }

    /** Runs a create, adding to a refusal in {@code Global\} that it needs the privilege. */
    private <T> T privileged(Supplier<T> create) {
        try {
            return create.get();
        } catch (OsException e) {
            if (e.kind() == ErrorKind.PERMISSION_DENIED && namespace.startsWith("Global")) {
                throw new OsException(e.call(), e.object(), e.code(), e.kind(), e.reason()
                        + "; creating a mapping in Global\\ needs the SeCreateGlobalPrivilege privilege"
                        + " (administrators and services have it)");
            }
            throw e;
        }
    }

    private static void deleteQuietly(Target.File target) {
        try {
            Files.deleteIfExists(target.path());
        } catch (IOException e) {
            // left behind; the caller's error says what failed
        }
    }

    /** An open region: the mapping handle (and the size record's, or the file's) held until close. */
    private final class Handle implements NativeRegion {
        private final Target target;
        private final long file;
        private final long mapping;
        private final long record;
        private final long size;
        private final boolean readOnly;
        private final boolean untilLastClose;
        private final String waitKey;

        Handle(Target target, long file, long mapping, long record, long size, boolean readOnly, boolean untilLastClose) {
            this.target = target;
            this.file = file;
            this.mapping = mapping;
            this.record = record;
            this.size = size;
            this.readOnly = readOnly;
            this.untilLastClose = untilLastClose;
            this.waitKey = switch (target) {
                case Target.Named n -> objectName(n.name());
                case Target.File f -> WindowsWaits.fileKey(namespace, f.path());
            };
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
            long address = win32.mapViewOfFile(mapping, readOnly ? Win32.FILE_MAP_READ : Win32.FILE_MAP_WRITE,
                    offset, length, target.display());
            if (populate) {
                MemorySegment view = MemorySegment.ofAddress(address).reinterpret(length);
                for (long at = 0; at < length; at += pageSize) {
                    view.get(JAVA_BYTE, at); // touch each page once: Windows has no MAP_POPULATE
                }
            }
            waits.register(address, length, waitKey, offset);
            return address;
        }

        @Override
        public void unmap(long address, long length) {
            waits.unregister(address);
            win32.unmapViewOfFile(address);
        }

        @Override
        public void close() {
            // The region first, then its size record: a creator that finds the record without the
            // region waits for this close to finish (see makeSizeRecord).
            win32.closeHandle(mapping);
            if (record != 0) {
                win32.closeHandle(record);
            }
            if (file != 0) {
                win32.closeHandle(file);
            }
        }
    }
}
