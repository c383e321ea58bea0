package io.jshm.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the few C library functions jshm needs on Linux, in the shape jextract
 * gives them: one {@code static final MethodHandle} per function, created once, and a small
 * typed wrapper that checks the result and turns {@code errno} into an {@link OsException}.
 *
 * <p>Every wrapper that can fail takes the name of the object it works on, so that the error
 * says what, which and why: {@code shm_open failed: ENOENT (2) No such file or directory,
 * name=/orders}. Constants are the Linux values, identical on x86_64 and aarch64 except where
 * noted.
 */
final class LibC {

    private LibC() {
    }

    // open(2) / shm_open(3) flags
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_CLOEXEC = 0x80000;
    static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0x8000 : 0x20000;

    // mmap(2)
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_POPULATE = 0x8000;

    // flock(2)
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;

    // mode bits
    static final int S_ISVTX = 01000;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;

    // statx(2)
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_BASIC_STATS = 0x7ff;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** {@code struct statx} (linux/stat.h); the same on every architecture. */
    static final long STATX_SIZE = 256;
    private static final long STX_NLINK = 16;
    private static final long STX_UID = 20;
    private static final long STX_MODE = 28;
    private static final long STX_INO = 32;
    private static final long STX_SIZE = 40;
    private static final long STX_MTIME_SEC = 112;
    private static final long STX_DEV_MAJOR = 136;
    private static final long STX_DEV_MINOR = 140;

    /** {@code struct statvfs} on 64-bit Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, ... */
    private static final long STATVFS_SIZE = 112;
    private static final long F_FRSIZE = 8;
    private static final long F_BAVAIL = 32;

    // One holder class per function, as jextract makes them: each downcall handle is made on first
    // use (class initialisation), so a process pays start-up time only for the calls it makes.
    private static final class ShmOpen {
        static final MethodHandle HANDLE = errnoCall("shm_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class ShmUnlink {
        static final MethodHandle HANDLE = errnoCall("shm_unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }
    private static final class Open {
        static final MethodHandle HANDLE = errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }
    private static final class Unlink {
        static final MethodHandle HANDLE = errnoCall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }
    private static final class Close {
        static final MethodHandle HANDLE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Fchmod {
        static final MethodHandle HANDLE = errnoCall("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Flock {
        static final MethodHandle HANDLE = errnoCall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Mmap {
        static final MethodHandle HANDLE = errnoCall("mmap",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }
    private static final class Munmap {
        static final MethodHandle HANDLE = errnoCall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class Statx {
        static final MethodHandle HANDLE = errnoCall("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class Statvfs {
        static final MethodHandle HANDLE = errnoCall("statvfs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }
    /** posix_fallocate returns the error number instead of setting errno. */
    private static final class PosixFallocate {
        static final MethodHandle HANDLE = plainCall("posix_fallocate",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }
    private static final class Getpagesize {
        static final MethodHandle HANDLE = plainCall("getpagesize", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class Getuid {
        static final MethodHandle HANDLE = plainCall("getuid", FunctionDescriptor.of(JAVA_INT));
        static final int SELF;

        static {
            try {
                SELF = (int) HANDLE.invokeExact();
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }
    private static final class Strerror {
        static final MethodHandle HANDLE = plainCall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    // futex(2) through syscall(2); the word's address travels as a plain long so that a waiter
    // does not keep the region's arena acquired (closing the region stays possible).
    private static final long SYS_FUTEX = "aarch64".equals(System.getProperty("os.arch")) ? 98 : 202;
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final class FutexWaitCall {
        static final MethodHandle HANDLE = errnoCall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
                Linker.Option.firstVariadicArg(1));
    }
    private static final class FutexWakeCall {
        static final MethodHandle HANDLE = plainCall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
                Linker.Option.firstVariadicArg(1));
    }

    /** Per-thread scratch for futex waits: the errno capture state, then a struct timespec. */
    private static final ThreadLocal<MemorySegment> FUTEX_SCRATCH = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(timespecOffset() + 16, 8));

    private static long timespecOffset() {
        return (CAPTURE_LAYOUT.byteSize() + 7) & ~7L;
    }

    /** Outcomes of {@link #futexWait}. */
    static final int FUTEX_WOKEN = 0;
    static final int FUTEX_TIMED_OUT = 1;
    static final int FUTEX_VALUE_CHANGED = 2;
    static final int FUTEX_INTERRUPTED = 3;

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(find(name), descriptor, options);
    }

    private static MethodHandle plainCall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(find(name), descriptor, options);
    }

    private static MemorySegment find(String name) {
        return LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + name));
    }

    /** The result of {@code statx}: the fields jshm reads. */
    record Stat(long size, int mode, int uid, int nlink, long ino, int devMajor, int devMinor, long mtimeSeconds) {
        int permissions() {
            return mode & 07777;
        }

        boolean sticky() {
            return (mode & S_ISVTX) != 0;
        }

        boolean sameFile(Stat other) {
            return ino == other.ino && devMajor == other.devMajor && devMinor == other.devMinor;
        }
    }

    // ---- wrappers: each returns the result or throws OsException naming the call and the object ----

    static int shmOpen(String shmName, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) ShmOpen.HANDLE.invokeExact(state, arena.allocateFrom(shmName), flags, mode);
            if (fd < 0) {
                throw error("shm_open", shmName, state);
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return true if removed, false if there was no such object} */
    static boolean shmUnlink(String shmName) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) ShmUnlink.HANDLE.invokeExact(state, arena.allocateFrom(shmName));
            if (rc != 0) {
                if (errno(state) == Errno.ENOENT) {
                    return false;
                }
                throw error("shm_unlink", shmName, state);
            }
            return true;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) Open.HANDLE.invokeExact(state, arena.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw error("open", path, state);
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return true if removed, false if there was no such file} */
    static boolean unlink(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) Unlink.HANDLE.invokeExact(state, arena.allocateFrom(path));
            if (rc != 0) {
                if (errno(state) == Errno.ENOENT) {
                    return false;
                }
                throw error("unlink", path, state);
            }
            return true;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Closes a descriptor; errors are ignored, as there is nothing a caller could do about them. */
    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int ignored = (int) Close.HANDLE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void fchmod(int fd, int mode, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) Fchmod.HANDLE.invokeExact(state, fd, mode);
            if (rc != 0) {
                throw error("fchmod", name, state);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Calls {@code flock}. {@return true if the lock was taken, false if {@code LOCK_NB} was given
     * and another open file description holds a conflicting lock}
     */
    static boolean flock(int fd, int operation, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            while (true) {
                int rc = (int) Flock.HANDLE.invokeExact(state, fd, operation);
                if (rc == 0) {
                    return true;
                }
                int errno = errno(state);
                if (errno == Errno.EWOULDBLOCK) {
                    return false;
                }
                if (errno != Errno.EINTR) {
                    throw error("flock", name, state);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void posixFallocate(int fd, long length, String name) {
        int rc;
        try {
            rc = (int) PosixFallocate.HANDLE.invokeExact(fd, 0L, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            throw new OsException("posix_fallocate", name, rc, Errno.kind(rc), Errno.describe(rc));
        }
    }

    static long mmap(int fd, long offset, long length, boolean writable, boolean populate, String name) {
        int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
        int flags = MAP_SHARED | (populate ? MAP_POPULATE : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment addr = (MemorySegment) Mmap.HANDLE.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
            if (addr.address() == -1L) {
                throw error("mmap", name, state);
            }
            return addr.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void munmap(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int ignored = (int) Munmap.HANDLE.invokeExact(state, MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Stat fstat(int fd, String name) {
        return statx(fd, "", AT_EMPTY_PATH, name);
    }

    /** {@code lstat} of a path; throws {@link OsException} (ENOENT included) when it cannot. */
    static Stat lstat(String path) {
        return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, path);
    }

    private static Stat statx(int dirfd, String path, int flags, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int rc = (int) Statx.HANDLE.invokeExact(state, dirfd, arena.allocateFrom(path), flags, STATX_BASIC_STATS, buf);
            if (rc != 0) {
                throw error("statx", name, state);
            }
            return new Stat(
                    buf.get(JAVA_LONG, STX_SIZE),
                    Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, STX_MODE)),
                    buf.get(JAVA_INT, STX_UID),
                    buf.get(JAVA_INT, STX_NLINK),
                    buf.get(JAVA_LONG, STX_INO),
                    buf.get(JAVA_INT, STX_DEV_MAJOR),
                    buf.get(JAVA_INT, STX_DEV_MINOR),
                    buf.get(JAVA_LONG, STX_MTIME_SEC));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return the bytes available to unprivileged users on the file system holding {@code path}} */
    static long freeBytes(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment buf = arena.allocate(STATVFS_SIZE, 8);
            int rc = (int) Statvfs.HANDLE.invokeExact(state, arena.allocateFrom(path), buf);
            if (rc != 0) {
                throw error("statvfs", path, state);
            }
            long frsize = buf.get(JAVA_LONG, F_FRSIZE);
            long avail = buf.get(JAVA_LONG, F_BAVAIL);
            return Math.multiplyHigh(frsize, avail) != 0 ? Long.MAX_VALUE : frsize * avail;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pageSize() {
        try {
            return (int) Getpagesize.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return this process's real user id} Asked of the system once: a Java program has no call
     * that changes it, and every create would otherwise pay a system call for it.
     */
    static int getuid() {
        return Getuid.SELF;
    }

    /**
     * {@code FUTEX_WAIT} (shared, not private) on the 32-bit word at {@code address}: sleeps while
     * it holds {@code expected}, at most {@code timeoutNanos}.
     * {@return one of FUTEX_WOKEN, FUTEX_TIMED_OUT, FUTEX_VALUE_CHANGED, FUTEX_INTERRUPTED}
     */
    static int futexWait(long address, int expected, long timeoutNanos) {
        MemorySegment scratch = FUTEX_SCRATCH.get();
        long ts = timespecOffset();
        scratch.set(JAVA_LONG, ts, timeoutNanos / 1_000_000_000L);
        scratch.set(JAVA_LONG, ts + 8, timeoutNanos % 1_000_000_000L);
        long rc;
        try {
            rc = (long) FutexWaitCall.HANDLE.invokeExact(scratch, SYS_FUTEX, address, FUTEX_WAIT, expected,
                    scratch.asSlice(ts, 16), 0L, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc == 0) {
            return FUTEX_WOKEN;
        }
        int errno = errno(scratch);
        return switch (errno) {
            case Errno.ETIMEDOUT -> FUTEX_TIMED_OUT;
            case Errno.EAGAIN -> FUTEX_VALUE_CHANGED;
            case Errno.EINTR -> FUTEX_INTERRUPTED;
            default -> throw new OsException("futex", "0x" + Long.toHexString(address), errno, Errno.kind(errno),
                    Errno.describe(errno));
        };
    }

    /** {@code FUTEX_WAKE} (shared): wakes up to {@code count} waiters of the word at {@code address}. */
    static void futexWake(long address, int count) {
        try {
            long ignored = (long) FutexWakeCall.HANDLE.invokeExact(SYS_FUTEX, address, FUTEX_WAKE, count, 0L, 0L, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return the C library's text for an error number} */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int callInt(MethodHandle handle, int fd, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) handle.invokeExact(state, fd, arg);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(int negatedErrno, String call, String name) {
        if (negatedErrno != 0) {
            int errno = -negatedErrno;
            throw new OsException(call, name, errno, Errno.kind(errno), Errno.describe(errno));
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static OsException error(String call, String name, MemorySegment state) {
        int errno = errno(state);
        return new OsException(call, name, errno, Errno.kind(errno), Errno.describe(errno));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
