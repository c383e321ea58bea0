package io.jshm.internal.os;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The kernel32 functions of the Windows backend, as downcall handles made once per instance from
 * the linker and lookup it is given (the native linker and kernel32 in production, the JDK's Windows
 * x64 linker and a test library on Linux). Types follow the Win32 x64 ABI: {@code DWORD},
 * {@code BOOL} and {@code LONG} are 32-bit, {@code HANDLE}, pointers and {@code SIZE_T} 64-bit;
 * strings are NUL-terminated UTF-16LE. Handles travel as {@code long} (0 is {@code NULL}).
 *
 * <p>Each wrapper returns the call's result and, where the call can fail, throws
 * {@link OsException} with the call, the object and {@link WinError}'s reading of the code.
 * Thread-safe: the handles are immutable and every call allocates its own scratch memory.
 */
final class Win32 {

    static final long INVALID_HANDLE_VALUE = -1L;
    static final int PAGE_READONLY = 0x02;
    static final int PAGE_READWRITE = 0x04;
    static final int FILE_MAP_WRITE = 0x0002;
    static final int FILE_MAP_READ = 0x0004;
    static final int FILE_MAP_ALL_ACCESS = 0x000F001F;
    static final int GENERIC_READ = 0x80000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int FILE_SHARE_ALL = 0x1 | 0x2 | 0x4; // read, write, delete
    static final int CREATE_NEW = 1;
    static final int OPEN_EXISTING = 3;
    static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    static final int SEMAPHORE_MODIFY_STATE = 0x0002;
    static final int WAIT_OBJECT_0 = 0;
    static final int WAIT_TIMEOUT = 0x102;
    static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
    static final int STILL_ACTIVE = 259;
    private static final int FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;
    private static final int FORMAT_MESSAGE_IGNORE_INSERTS = 0x200;

    /** {@code SYSTEM_INFO}, 48 bytes on x64. */
    static final StructLayout SYSTEM_INFO = MemoryLayout.structLayout(
            JAVA_SHORT.withName("wProcessorArchitecture"), JAVA_SHORT.withName("wReserved"),
            JAVA_INT.withName("dwPageSize"),
            ADDRESS.withName("lpMinimumApplicationAddress"), ADDRESS.withName("lpMaximumApplicationAddress"),
            JAVA_LONG.withName("dwActiveProcessorMask"),
            JAVA_INT.withName("dwNumberOfProcessors"), JAVA_INT.withName("dwProcessorType"),
            JAVA_INT.withName("dwAllocationGranularity"),
            JAVA_SHORT.withName("wProcessorLevel"), JAVA_SHORT.withName("wProcessorRevision"));

    /** {@code MEMORY_BASIC_INFORMATION}, 48 bytes on x64. */
    static final StructLayout MEMORY_BASIC_INFORMATION = MemoryLayout.structLayout(
            ADDRESS.withName("BaseAddress"), ADDRESS.withName("AllocationBase"),
            JAVA_INT.withName("AllocationProtect"), JAVA_SHORT.withName("PartitionId"), MemoryLayout.paddingLayout(2),
            JAVA_LONG.withName("RegionSize"),
            JAVA_INT.withName("State"), JAVA_INT.withName("Protect"), JAVA_INT.withName("Type"),
            MemoryLayout.paddingLayout(4));

    private static final AddressLayout H = ADDRESS;
    private static final ValueLayout.OfInt DWORD = JAVA_INT;

    private final LastError lastError;
    private final MethodHandle createFileMapping;
    private final MethodHandle openFileMapping;
    private final MethodHandle mapViewOfFile;
    private final MethodHandle unmapViewOfFile;
    private final MethodHandle closeHandle;
    private final MethodHandle virtualQuery;
    private final MethodHandle createFile;
    private final MethodHandle getFileSizeEx;
    private final MethodHandle createSemaphore;
    private final MethodHandle openSemaphore;
    private final MethodHandle releaseSemaphore;
    private final MethodHandle waitForSingleObject;
    private final MethodHandle openProcess;
    private final MethodHandle getExitCodeProcess;
    private final MethodHandle getProcessTimes;
    private final MethodHandle getSystemInfo;
    private final MethodHandle getCurrentProcessId;
    private final MethodHandle formatMessage;

    Win32(Linker linker, SymbolLookup lookup, LastError lastError) {
        this.lastError = lastError;
        Binder b = new Binder(linker, lookup, lastError);
        createFileMapping = b.reporting("CreateFileMappingW", FunctionDescriptor.of(H, H, ADDRESS, DWORD, DWORD, DWORD, ADDRESS));
        openFileMapping = b.reporting("OpenFileMappingW", FunctionDescriptor.of(H, DWORD, JAVA_INT, ADDRESS));
        mapViewOfFile = b.reporting("MapViewOfFile", FunctionDescriptor.of(ADDRESS, H, DWORD, DWORD, DWORD, JAVA_LONG));
        unmapViewOfFile = b.reporting("UnmapViewOfFile", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        closeHandle = b.reporting("CloseHandle", FunctionDescriptor.of(JAVA_INT, H));
        virtualQuery = b.reporting("VirtualQuery", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
        createFile = b.reporting("CreateFileW", FunctionDescriptor.of(H, ADDRESS, DWORD, DWORD, ADDRESS, DWORD, DWORD, H));
        getFileSizeEx = b.reporting("GetFileSizeEx", FunctionDescriptor.of(JAVA_INT, H, ADDRESS));
        createSemaphore = b.reporting("CreateSemaphoreW", FunctionDescriptor.of(H, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        openSemaphore = b.reporting("OpenSemaphoreW", FunctionDescriptor.of(H, DWORD, JAVA_INT, ADDRESS));
        releaseSemaphore = b.reporting("ReleaseSemaphore", FunctionDescriptor.of(JAVA_INT, H, JAVA_INT, ADDRESS));
        waitForSingleObject = b.reporting("WaitForSingleObject", FunctionDescriptor.of(DWORD, H, DWORD));
        openProcess = b.reporting("OpenProcess", FunctionDescriptor.of(H, DWORD, JAVA_INT, DWORD));
        getExitCodeProcess = b.reporting("GetExitCodeProcess", FunctionDescriptor.of(JAVA_INT, H, ADDRESS));
        getProcessTimes = b.reporting("GetProcessTimes", FunctionDescriptor.of(JAVA_INT, H, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        getSystemInfo = b.plain("GetSystemInfo", FunctionDescriptor.ofVoid(ADDRESS));
        getCurrentProcessId = b.plain("GetCurrentProcessId", FunctionDescriptor.of(DWORD));
        formatMessage = b.plain("FormatMessageW",
                FunctionDescriptor.of(DWORD, DWORD, ADDRESS, DWORD, DWORD, ADDRESS, DWORD, ADDRESS));
    }

    /** Makes the handles: error-reporting ones through the {@link LastError} seam. */
    private record Binder(Linker linker, SymbolLookup lookup, LastError lastError) {
        MethodHandle reporting(String name, FunctionDescriptor descriptor) {
            return lastError.adapt(linker.downcallHandle(find(name), descriptor, lastError.options()));
        }

        MethodHandle plain(String name, FunctionDescriptor descriptor) {
            return linker.downcallHandle(find(name), descriptor);
        }

        private MemorySegment find(String name) {
            return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("Win32 function not found: " + name));
        }
    }

    /** What {@code CreateFileMappingW} or {@code CreateSemaphoreW} gave: a handle, and whether the object was there already. */
    record Created(long handle, boolean existed) {
    }

    // ---------------------------------------------------------------- file mappings

    /**
     * {@code CreateFileMappingW(file, NULL, protect, sizeHigh, sizeLow, name)}. An existing object of
     * that name is not a failure here: {@code ERROR_ALREADY_EXISTS} comes back with a valid handle.
     *
     * @param name the full object name ({@code Local\orders}), or null for an unnamed mapping
     */
    Created createFileMapping(long file, int protect, long size, String name, String object) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment h = (MemorySegment) createFileMapping.invokeExact(state, handle(file), MemorySegment.NULL,
                    protect, (int) (size >>> 32), (int) size, wide(arena, name));
            int code = lastError.read(state);
            if (h.address() == 0) {
                throw error("CreateFileMappingW", object, code);
            }
            return new Created(h.address(), code == WinError.ERROR_ALREADY_EXISTS);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code OpenFileMappingW(access, FALSE, name)}. */
    long openFileMapping(int access, String name, String object) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment h = (MemorySegment) openFileMapping.invokeExact(state, access, 0, wide(arena, name));
            if (h.address() == 0) {
                throw error("OpenFileMappingW", object, lastError.read(state));
            }
            return h.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code MapViewOfFile}: {@code offset} must be a multiple of the allocation granularity. {@return the view's address} */
    long mapViewOfFile(long mapping, int access, long offset, long length, String object) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment view = (MemorySegment) mapViewOfFile.invokeExact(state, handle(mapping), access,
                    (int) (offset >>> 32), (int) offset, length);
            if (view.address() == 0) {
                throw error("MapViewOfFile", object, lastError.read(state));
            }
            return view.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code UnmapViewOfFile}; {@return false if it failed} (an unmap on close must not throw) */
    boolean unmapViewOfFile(long address) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) unmapViewOfFile.invokeExact(lastError.allocate(arena), MemorySegment.ofAddress(address)) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code CloseHandle}; {@return false if it failed} (a close must not throw) */
    boolean closeHandle(long handle) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) closeHandle.invokeExact(lastError.allocate(arena), handle(handle)) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code VirtualQuery}: {@return the bytes from {@code address}'s page to the end of its view} */
    long regionSize(long address, String object) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment info = arena.allocate(MEMORY_BASIC_INFORMATION);
            long written = (long) virtualQuery.invokeExact(state, MemorySegment.ofAddress(address), info,
                    MEMORY_BASIC_INFORMATION.byteSize());
            if (written == 0) {
                throw error("VirtualQuery", object, lastError.read(state));
            }
            return info.get(JAVA_LONG, MEMORY_BASIC_INFORMATION.byteOffset(MemoryLayout.PathElement.groupElement("RegionSize")));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- files

    /** {@code CreateFileW(path, access, share all, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL)}. */
    long createFile(String path, int access, int disposition) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment h = (MemorySegment) createFile.invokeExact(state, wide(arena, path), access, FILE_SHARE_ALL,
                    MemorySegment.NULL, disposition, FILE_ATTRIBUTE_NORMAL, MemorySegment.NULL);
            if (h.address() == INVALID_HANDLE_VALUE) {
                throw error("CreateFileW", path, lastError.read(state));
            }
            return h.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code GetFileSizeEx}. */
    long fileSize(long file, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment size = arena.allocate(JAVA_LONG);
            if ((int) getFileSizeEx.invokeExact(state, handle(file), size) == 0) {
                throw error("GetFileSizeEx", path, lastError.read(state));
            }
            return size.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- semaphores

    /** {@code CreateSemaphoreW(NULL, 0, max, name)}: creates it, or opens the one of that name. */
    long createSemaphore(int max, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment h = (MemorySegment) createSemaphore.invokeExact(state, MemorySegment.NULL, 0, max, wide(arena, name));
            if (h.address() == 0) {
                throw error("CreateSemaphoreW", name, lastError.read(state));
            }
            return h.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, name)}; {@return the handle, or 0 if there is none} */
    long openSemaphoreIfAny(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment h = (MemorySegment) openSemaphore.invokeExact(state, SEMAPHORE_MODIFY_STATE, 0, wide(arena, name));
            if (h.address() == 0) {
                int code = lastError.read(state);
                if (code == WinError.ERROR_FILE_NOT_FOUND) {
                    return 0;
                }
                throw error("OpenSemaphoreW", name, code);
            }
            return h.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ReleaseSemaphore(h, count, NULL)}; {@return false if that would pass the maximum count} */
    boolean releaseSemaphore(long semaphore, int count, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            if ((int) releaseSemaphore.invokeExact(state, handle(semaphore), count, MemorySegment.NULL) != 0) {
                return true;
            }
            int code = lastError.read(state);
            if (code == WinError.ERROR_TOO_MANY_POSTS) {
                return false;
            }
            throw error("ReleaseSemaphore", name, code);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code WaitForSingleObject}; {@return {@link #WAIT_OBJECT_0} or {@link #WAIT_TIMEOUT}} */
    int waitForSingleObject(long handle, int millis, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            int result = (int) waitForSingleObject.invokeExact(state, handle(handle), millis);
            if (result != WAIT_OBJECT_0 && result != WAIT_TIMEOUT) {
                throw error("WaitForSingleObject", name, lastError.read(state));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- processes and the system

    /**
     * {@code OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION)}, {@code GetExitCodeProcess} and
     * {@code GetProcessTimes}. {@return the process's creation time (100 ns units since 1601), or 0
     * if it cannot be opened or has exited}
     */
    long processCreationTime(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = lastError.allocate(arena);
            MemorySegment h = (MemorySegment) openProcess.invokeExact(state, PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
            if (h.address() == 0) {
                return 0;
            }
            try {
                MemorySegment exit = arena.allocate(JAVA_INT);
                if ((int) getExitCodeProcess.invokeExact(state, h, exit) == 0 || exit.get(JAVA_INT, 0) != STILL_ACTIVE) {
                    return 0;
                }
                MemorySegment times = arena.allocate(JAVA_LONG, 4);
                if ((int) getProcessTimes.invokeExact(state, h, times, times.asSlice(8), times.asSlice(16),
                        times.asSlice(24)) == 0) {
                    return 0;
                }
                long created = times.get(JAVA_LONG, 0);
                return created == 0 ? 1 : created;
            } finally {
                int ignored = (int) closeHandle.invokeExact(state, h);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code GetCurrentProcessId}. */
    int currentProcessId() {
        try {
            return (int) getCurrentProcessId.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code GetSystemInfo}: {@return {page size, allocation granularity}} */
    long[] pageSizeAndGranularity() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SYSTEM_INFO);
            getSystemInfo.invokeExact(info);
            int page = info.get(JAVA_INT, SYSTEM_INFO.byteOffset(MemoryLayout.PathElement.groupElement("dwPageSize")));
            int granularity = info.get(JAVA_INT,
                    SYSTEM_INFO.byteOffset(MemoryLayout.PathElement.groupElement("dwAllocationGranularity")));
            return new long[] {Integer.toUnsignedLong(page), Integer.toUnsignedLong(granularity)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code FormatMessageW(FROM_SYSTEM | IGNORE_INSERTS)}: {@return the system's text for a code, or null} */
    String formatMessage(int code) {
        int chars = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(2L * chars);
            int n = (int) formatMessage.invokeExact(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                    MemorySegment.NULL, code, 0, buffer, chars, MemorySegment.NULL);
            if (n <= 0 || n > chars) {
                return null;
            }
            byte[] bytes = buffer.asSlice(0, 2L * n).toArray(ValueLayout.JAVA_BYTE);
            return new String(bytes, StandardCharsets.UTF_16LE).strip();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- helpers

    private OsException error(String call, String object, int code) {
        return new OsException(call, object, code, WinError.kind(code), WinError.describe(code, this));
    }

    private static MemorySegment handle(long handle) {
        return MemorySegment.ofAddress(handle);
    }

    private static MemorySegment wide(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s, StandardCharsets.UTF_16LE);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("Win32 downcall failed", t);
    }
}
