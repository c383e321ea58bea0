package io.jshm;

import io.jshm.internal.os.Mapper;
import io.jshm.internal.os.NativeRegion;
import io.jshm.internal.os.OsException;
import io.jshm.internal.os.Platform;
import io.jshm.internal.os.RegionStat;
import io.jshm.internal.os.Target;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named region of memory shared between processes: the Windows file-mapping model
 * ({@code CreateFileMapping}, {@code OpenFileMapping}, {@code MapViewOfFile}) for Java.
 *
 * <p>One process creates a region by name; any process on the host opens it by the same name and
 * sees the same bytes:
 * {@snippet :
 * // process A
 * try (SharedMemory shm = SharedMemory.create("frame", 1024 * 768)) {     // CreateFileMapping
 *     MemorySegment view = shm.segment();                                  // MapViewOfFile
 *     view.fill((byte) 0);                                                 // memset
 *     MemorySegment.copy("hello".getBytes(StandardCharsets.UTF_8), 0,
 *             view, ValueLayout.JAVA_BYTE, 0, 5);                          // memcpy
 *     // ... tell process B, wait for it ...
 * }                                                                        // UnmapViewOfFile + CloseHandle
 *
 * // process B
 * try (SharedMemory shm = SharedMemory.open("frame")) {                    // OpenFileMapping
 *     byte first = shm.segment().get(ValueLayout.JAVA_BYTE, 0);
 * }
 * }
 *
 * <p>A region is only bytes: jshm writes no header into it, so C ({@code shm_open("/frame")}),
 * Python ({@code multiprocessing.shared_memory.SharedMemory("frame")}) and Boost.Interprocess
 * programs share it by the same name. Names are 1 to 255 characters of {@code A-Z a-z 0-9 . _ -}
 * on Linux, checked before any system call.
 *
 * <h2>Lifetime</h2>
 * By default a region lives {@linkplain Lifetime#UNTIL_LAST_CLOSE until its last handle closes},
 * in any process, and that holds when processes are killed: a region whose every user died is
 * found stale and removed by the next {@code open}. A {@linkplain Lifetime#PERSISTENT persistent}
 * region stays until {@link #unlink(String)}. Regions backed by a {@link Path} are persistent by
 * default and their data survives a restart.
 *
 * <h2>Views</h2>
 * {@link #segment()} is a view of the whole region, mapped when the handle opens and unmapped
 * when it closes. {@link #map(Arena, long, long)} maps a separate view of part of the region whose
 * lifetime is an arena's, as {@code MapViewOfFile} / {@code UnmapViewOfFile} do. Every access is
 * bounds-checked by {@link MemorySegment}; access after close throws
 * {@link IllegalStateException} and never touches unmapped memory.
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>A {@code SharedMemory} is thread-safe: its segments may be used from any thread, and
 *       {@link #close()} may be called from any thread, once or many times. Closing while another
 *       thread accesses {@link #segment()} makes that access fail with
 *       {@link IllegalStateException}, or the close fail with it; memory is never freed under a
 *       reader. Closing such a handle costs the JVM a handshake with all its threads (tens to
 *       hundreds of microseconds). A handle made with {@link SharedMemoryOptions#withConfined
 *       withConfined(true)} is the thread's own instead: only the thread that created or opened it
 *       may access {@link #segment()} or close it (others get {@link WrongThreadException}), and
 *       its close skips that handshake.</li>
 *   <li>Memory ordering between processes is that of the hardware: plain accesses are not ordered.
 *       Use {@link java.lang.invoke.VarHandle} access modes (acquire/release, volatile, CAS) on the
 *       segment, or the primitives of {@code io.jshm.sync}, to publish data to another process.</li>
 *   <li>Every region is created with mode {@code 0600} unless asked otherwise; the umask cannot
 *       widen it.</li>
 *   <li>Creation reserves the region's memory ({@code posix_fallocate}): a region too large for
 *       the file system fails at create with {@link NoSpaceException}, never with a fault later.</li>
 *   <li>Regions keep the size they were created with: jshm never resizes one. A region whose
 *       size disagrees with its structure's header is refused by {@code io.jshm.queue} and
 *       {@code io.jshm.sync} when they open it.</li>
 *   <li><b>Truncation by another process.</b> If another process shrinks a region
 *       ({@code ftruncate}) while this one has it mapped, the pages past the new end are gone, and
 *       touching them raises {@code SIGBUS}. The JDK (HotSpot) recovers from that fault in every
 *       {@link MemorySegment} access, interpreted or compiled: typed {@code get}/{@code set},
 *       {@link java.lang.invoke.VarHandle} atomics, {@link MemorySegment#copy} and
 *       {@link MemorySegment#fill}. The access throws {@link InternalError} with the message
 *       {@code "a fault occurred in an unsafe memory access operation"}; the JVM, the other
 *       regions and the pages that remain keep working. In compiled code the JDK throws that error
 *       at the next safepoint check after the fault, so a few more instructions of the method
 *       may run first and the faulting read's value is undefined: treat the whole region as
 *       lost, and close it. <b>One exception, a limit of HotSpot 25:</b> a
 *       {@code compareAndSet}, {@code compareAndExchange} or {@code weakCompareAndSet} on a lost
 *       page, run by the interpreter (and {@code compareAndExchange} compiled by C1), is not
 *       recovered: the JVM dies with {@code SIGBUS}. Read the word before such a CAS (a read
 *       faults safely), as {@link io.jshm.sync.Atomics} does. jshm's own structures
 *       ({@code io.jshm.queue}, {@code io.jshm.sync}) read first too, and throw
 *       {@link RegionTruncatedException} instead of the {@code InternalError}.
 *       {@snippet :
 *       try {
 *           long v = shm.segment().get(ValueLayout.JAVA_LONG, offset);
 *       } catch (InternalError e) {   // another process truncated the region under us
 *           shm.close();
 *       }
 *       }</li>
 *   <li>{@link #openOrCreate} refuses an existing region that belongs to another user (a name
 *       squatted by someone who could read what we write) with {@link PermissionDeniedException}
 *       naming the owner, and {@code create} names that owner in its
 *       {@link RegionExistsException}; file-backed regions refuse symbolic links
 *       ({@code O_NOFOLLOW}) and, on open, other users' files. Opt in with
 *       {@link SharedMemoryOptions#withForeignOwnerAllowed}. {@link #open(String)} by name opens
 *       any region this user may open, as {@code shm_open} does.</li>
 * </ul>
 */
public final class SharedMemory implements AutoCloseable {

    private final String name;
    private final NativeRegion region;
    private final boolean created;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;
    private boolean closed;

    private SharedMemory(String name, NativeRegion region, boolean created, SharedMemoryOptions options) {
        this.name = name;
        this.region = region;
        this.created = created;
        this.size = region.size();
        Arena arena = options.confined() ? Arena.ofConfined() : Arena.ofShared();
        try {
            this.segment = mapInto(arena, 0, size, options.prefault());
        } catch (RuntimeException | Error e) {
            arena.close();
            region.close();
            throw e;
        }
        this.arena = arena;
    }

    // ------------------------------------------------------------------ named regions

    /**
     * Creates a region of {@code size} bytes, zero-filled, with the default options (until last
     * close, mode {@code 0600}, read-write).
     *
     * @throws InvalidNameException   if the name breaks the naming rules
     * @throws InvalidSizeException   if the size is zero or negative
     * @throws NoSpaceException       if the file system holding regions has no room for it
     * @throws RegionExistsException  if a live region of that name exists
     * @throws JshmException          for any other failure, with the OS reason
     */
    public static SharedMemory create(String name, long size) {
        return create(name, size, SharedMemoryOptions.defaults());
    }

    /**
     * Creates a region with the given options.
     *
     * @throws InvalidNameException   if the name breaks the naming rules
     * @throws InvalidSizeException   if the size is zero or negative
     * @throws NoSpaceException       if the file system holding regions has no room for it
     * @throws RegionExistsException  if a live region of that name exists
     * @throws JshmException          for any other failure, with the OS reason
     */
    public static SharedMemory create(String name, long size, SharedMemoryOptions options) {
        return doCreate(named(name), size, options);
    }

    /**
     * Opens an existing region for reading and writing.
     *
     * @throws InvalidNameException       if the name breaks the naming rules
     * @throws NoSuchRegionException      if there is no such region, or it was stale
     * @throws PermissionDeniedException  if its mode does not let this user read and write it
     * @throws JshmException              for any other failure, with the OS reason
     */
    public static SharedMemory open(String name) {
        return open(name, SharedMemoryOptions.defaults());
    }

    /**
     * Opens an existing region with the given access.
     *
     * @throws InvalidNameException       if the name breaks the naming rules
     * @throws NoSuchRegionException      if there is no such region, or it was stale
     * @throws PermissionDeniedException  if its mode does not allow the access
     * @throws JshmException              for any other failure, with the OS reason
     */
    public static SharedMemory open(String name, Access access) {
        return open(name, SharedMemoryOptions.defaults().withAccess(access));
    }

    /**
     * Opens an existing region with the access, prefault and timeout of {@code options} (its
     * lifetime and mode are the region's own).
     *
     * @throws InvalidNameException       if the name breaks the naming rules
     * @throws NoSuchRegionException      if there is no such region, or it was stale
     * @throws PermissionDeniedException  if its mode does not allow the access
     * @throws RegionTimeoutException     if its creator did not finish making it in time
     * @throws JshmException              for any other failure, with the OS reason
     */
    public static SharedMemory open(String name, SharedMemoryOptions options) {
        return doOpen(named(name), options);
    }

    /**
     * Opens the region if it exists, else creates it, as {@code CreateFileMapping} does;
     * {@link #created()} tells which happened. An existing region keeps its own size, which must
     * be at least {@code size}.
     *
     * @throws InvalidSizeException if the size is not positive, or the existing region is smaller
     * @throws JshmException        as {@link #create(String, long)} and {@link #open(String)} do
     */
    public static SharedMemory openOrCreate(String name, long size) {
        return openOrCreate(name, size, SharedMemoryOptions.defaults());
    }

    /**
     * Opens the region if it exists, else creates it with {@code options}.
     *
     * @throws InvalidSizeException if the size is not positive, or the existing region is smaller
     * @throws JshmException        as {@link #create(String, long, SharedMemoryOptions)} and
     *                              {@link #open(String, SharedMemoryOptions)} do
     */
    public static SharedMemory openOrCreate(String name, long size, SharedMemoryOptions options) {
        return doOpenOrCreate(named(name), size, options);
    }

    /**
     * Removes a region's name, as {@code shm_unlink} does: no new process can open it; processes
     * that have it open keep their views until they close. Works for either lifetime.
     *
     * @return true if a region was removed, false if there was none
     * @throws InvalidNameException      if the name breaks the naming rules
     * @throws PermissionDeniedException if this user may not remove it
     */
    public static boolean unlink(String name) {
        Target target = named(name);
        try {
            return Platform.current().unlink(target);
        } catch (OsException e) {
            throw Errors.translate("cannot unlink region", name, e);
        }
    }

    /**
     * {@return whether a live region of that name exists} A stale region (every user died) does not
     * count. Observes only: it neither opens nor removes anything.
     *
     * @throws InvalidNameException if the name breaks the naming rules
     */
    public static boolean exists(String name) {
        return stat(named(name)).filter(info -> !info.stale()).isPresent();
    }

    /**
     * {@return what the OS tells about one region}
     *
     * @throws InvalidNameException  if the name breaks the naming rules
     * @throws NoSuchRegionException if there is no region of that name
     */
    public static RegionInfo info(String name) {
        return stat(named(name)).orElseThrow(() -> new NoSuchRegionException(name,
                "no such region " + Names.printable(name), 0));
    }

    /**
     * {@return every shared-memory object on the host, made by jshm or not, sorted by name}
     * Reading the list never changes or holds any region.
     */
    public static List<RegionInfo> list() {
        try {
            Map<String, List<Mapper>> mappers = Platform.current().mappers();
            return Platform.current().list().stream().map(s -> toInfo(s, mappers)).toList();
        } catch (OsException e) {
            throw Errors.translate("cannot list regions", "*", e);
        }
    }

    // ------------------------------------------------------------------ file-backed regions

    /**
     * Creates a file-backed region: the same model on a file, whose data survives every process
     * and a restart. The file must not exist. The region is {@link Lifetime#PERSISTENT}.
     *
     * @throws InvalidSizeException  if the size is zero or negative
     * @throws NoSpaceException      if the file's file system has no room for it
     * @throws RegionExistsException if the file exists
     * @throws JshmException         for any other failure, with the OS reason
     */
    public static SharedMemory create(Path file, long size) {
        return create(file, size, SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT));
    }

    /**
     * Creates a file-backed region with the given options; {@link Lifetime#UNTIL_LAST_CLOSE}
     * deletes the file when the last handle closes.
     *
     * @throws JshmException as {@link #create(Path, long)} does
     */
    public static SharedMemory create(Path file, long size, SharedMemoryOptions options) {
        return doCreate(new Target.File(Objects.requireNonNull(file, "file")), size, options);
    }

    /**
     * Opens an existing file as a region, for reading and writing.
     *
     * @throws NoSuchRegionException     if the file does not exist
     * @throws PermissionDeniedException if this user may not read and write it
     * @throws InvalidSizeException      if the file is empty
     * @throws JshmException             for any other failure, with the OS reason
     */
    public static SharedMemory open(Path file) {
        return open(file, SharedMemoryOptions.defaults());
    }

    /**
     * Opens an existing file as a region with the given access.
     *
     * @throws JshmException as {@link #open(Path)} does
     */
    public static SharedMemory open(Path file, Access access) {
        return open(file, SharedMemoryOptions.defaults().withAccess(access));
    }

    /**
     * Opens an existing file as a region with the access, prefault and timeout of {@code options}.
     *
     * @throws JshmException as {@link #open(Path)} does
     */
    public static SharedMemory open(Path file, SharedMemoryOptions options) {
        return doOpen(new Target.File(Objects.requireNonNull(file, "file")), options);
    }

    /**
     * {@return what the OS tells about a file-backed region} Observes only, as {@link #info(String)}.
     *
     * @throws NoSuchRegionException if there is no such file
     */
    public static RegionInfo info(Path file) {
        return stat(new Target.File(Objects.requireNonNull(file, "file"))).orElseThrow(() -> new NoSuchRegionException(
                file.toString(), "no such file region " + Names.printable(file.toString()), 0));
    }

    /**
     * Removes a file-backed region's file; processes that have it open keep their views until
     * they close.
     *
     * @return true if the file was removed, false if there was none
     * @throws PermissionDeniedException if this user may not remove it
     */
    public static boolean unlink(Path file) {
        Target target = new Target.File(Objects.requireNonNull(file, "file"));
        try {
            return Platform.current().unlink(target);
        } catch (OsException e) {
            throw Errors.translate("cannot unlink region", target.display(), e);
        }
    }

    /**
     * Opens the file as a region if it exists, else creates it (persistent).
     *
     * @throws JshmException as {@link #openOrCreate(String, long)} does
     */
    public static SharedMemory openOrCreate(Path file, long size) {
        return doOpenOrCreate(new Target.File(Objects.requireNonNull(file, "file")), size,
                SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT));
    }

    // ------------------------------------------------------------------ the handle

    /** {@return the region's name, or the file's path for a file-backed region} */
    public String name() {
        return name;
    }

    /** {@return the region's size in bytes} */
    public long size() {
        return size;
    }

    /** {@return whether this handle created the region (rather than opened an existing one)} */
    public boolean created() {
        return created;
    }

    /** {@return the region's lifetime} */
    public Lifetime lifetime() {
        return region.untilLastClose() ? Lifetime.UNTIL_LAST_CLOSE : Lifetime.PERSISTENT;
    }

    /** {@return the access this handle has} */
    public Access access() {
        return region.readOnly() ? Access.READ_ONLY : Access.READ_WRITE;
    }

    /** {@return whether this handle is open} */
    public synchronized boolean isOpen() {
        return !closed;
    }

    /**
     * {@return a view of the whole region} The segment is {@link #size()} bytes long, usable from
     * any thread (from the handle's own only, if it is {@linkplain SharedMemoryOptions#confined()
     * confined}), read-only for a {@link Access#READ_ONLY} handle, and invalid once this handle is
     * closed (access then throws {@link IllegalStateException}).
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Maps a separate view of {@code [offset, offset + length)}, as {@code MapViewOfFile} does; the
     * view is unmapped when {@code arena} closes ({@code UnmapViewOfFile}), and may outlive this
     * handle. The offset needs no alignment.
     * {@snippet :
     * try (SharedMemory shm = SharedMemory.open("frame");
     *      Arena arena = Arena.ofConfined()) {
     *     MemorySegment row = shm.map(arena, 1024 * 10, 1024);   // row 10 of the frame
     *     row.fill((byte) 0xff);
     * }
     * }
     *
     * @throws IndexOutOfBoundsException if the range is not inside the region
     * @throws IllegalArgumentException  if the length is not positive
     * @throws IllegalStateException     if this handle or the arena is closed
     * @throws JshmException             if the OS refuses the mapping
     */
    public synchronized MemorySegment map(Arena arena, long offset, long length) {
        Objects.requireNonNull(arena, "arena");
        ensureOpen();
        if (length <= 0) {
            throw new IllegalArgumentException("view length must be positive, got " + length
                    + " (region " + Names.printable(name) + ")");
        }
        if (offset < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("view [" + offset + ", " + offset + " + " + length
                    + ") is outside region " + Names.printable(name) + " of " + size + " bytes");
        }
        return mapInto(arena, offset, length, false);
    }

    /**
     * Closes this handle: unmaps {@link #segment()} and releases the handle's hold on the region.
     * When this was the last handle, in any process, of a region that lives until last close,
     * the region is removed. Views from {@link #map} stay valid until their arenas close.
     * Idempotent.
     *
     * @throws IllegalStateException if another thread is accessing {@link #segment()} in a way
     *                               that forbids closing (such as a downcall using it)
     * @throws WrongThreadException  if the handle is {@linkplain SharedMemoryOptions#confined()
     *                               confined} and this is not its thread; the handle stays open
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        arena.close();
        closed = true;
        region.close();
    }

    @Override
    public String toString() {
        return "SharedMemory[name=" + name + ", size=" + size + ", lifetime=" + lifetime()
                + ", access=" + access() + (isOpen() ? "" : ", closed") + "]";
    }

    // ------------------------------------------------------------------ internals

    private MemorySegment mapInto(Arena arena, long offset, long length, boolean prefault) {
        long alignment = Platform.current().mapAlignment();
        long start = offset - offset % alignment;
        long span = length + (offset - start);
        long address;
        try {
            address = region.map(start, span, prefault);
        } catch (OsException e) {
            throw Errors.translate("cannot map a view of region", name, e);
        }
        NativeRegion owner = region;
        MemorySegment mapped;
        try {
            mapped = MemorySegment.ofAddress(address)
                    .reinterpret(span, arena, ignored -> owner.unmap(address, span))
                    .asSlice(offset - start, length);
        } catch (RuntimeException | Error e) {
            // the arena is closed, or confined to another thread: it took no ownership of the mapping
            owner.unmap(address, span);
            throw e;
        }
        return region.readOnly() ? mapped.asReadOnly() : mapped;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("region " + Names.printable(name) + " is closed");
        }
    }

    private static Target named(String name) {
        return new Target.Named(Names.validate(name, Platform.current().maxNameLength()));
    }

    private static long timeoutNanos(SharedMemoryOptions options) {
        return Objects.requireNonNull(options, "options").openTimeout().toNanos();
    }

    private static void checkSize(Target target, long size) {
        if (size <= 0) {
            throw new InvalidSizeException(target.display(), "invalid size " + size + " for region "
                    + Names.printable(target.display()) + ": a region needs at least 1 byte", 0);
        }
    }

    private static SharedMemory doCreate(Target target, long size, SharedMemoryOptions options) {
        checkSize(target, size);
        NativeRegion region;
        try {
            region = Platform.current().create(target, size, options.mode(),
                    options.lifetime() == Lifetime.UNTIL_LAST_CLOSE, timeoutNanos(options));
        } catch (OsException e) {
            throw Errors.translate("cannot create region", target.display(), e);
        }
        return new SharedMemory(target.display(), region, true, options);
    }

    private static SharedMemory doOpen(Target target, SharedMemoryOptions options) {
        NativeRegion region;
        try {
            region = Platform.current().open(target, options.access() == Access.READ_ONLY, timeoutNanos(options));
        } catch (OsException e) {
            throw Errors.translate("cannot open region", target.display(), e);
        }
        String owner = region.foreignOwner();
        if (target instanceof Target.File && owner != null && !options.foreignOwnerAllowed()) {
            region.close();
            throw foreignOwnerRefused(target, owner, "open");
        }
        return new SharedMemory(target.display(), region, false, options);
    }

    /**
     * {@return the refusal of a region of another user} A name or file that someone else made
     * first may be a squatter's, who could read or change what we write.
     */
    private static PermissionDeniedException foreignOwnerRefused(Target target, String owner, String call) {
        return new PermissionDeniedException(target.display(), "cannot " + call + " region "
                + Names.printable(target.display()) + ": it belongs to another user, " + owner
                + "; refused (it may be squatting the name), allow it with withForeignOwnerAllowed(true)", 0);
    }

    private static SharedMemory doOpenOrCreate(Target target, long size, SharedMemoryOptions options) {
        checkSize(target, size);
        // Bounded: each round either succeeds or saw the region appear or vanish under it.
        for (int round = 0; ; round++) {
            try {
                return doCreate(target, size, options);
            } catch (RegionExistsException exists) {
                try {
                    SharedMemory shm = doOpen(target, options);
                    String owner = shm.region.foreignOwner();
                    if (owner != null && !options.foreignOwnerAllowed()) {
                        shm.close();
                        throw foreignOwnerRefused(target, owner, "openOrCreate");
                    }
                    if (shm.size() < size) {
                        shm.close();
                        throw new InvalidSizeException(target.display(), "region " + Names.printable(target.display())
                                + " exists with " + shm.size() + " bytes, fewer than the " + size + " asked", 0);
                    }
                    return shm;
                } catch (NoSuchRegionException gone) {
                    if (round >= 100) {
                        throw gone;
                    }
                }
            }
        }
    }

    private static Optional<RegionInfo> stat(Target target) {
        try {
            return Platform.current().stat(target).map(s -> toInfo(s, Platform.current().mappers()));
        } catch (OsException e) {
            throw Errors.translate("cannot inspect region", target.display(), e);
        }
    }

    private static RegionInfo toInfo(RegionStat s, Map<String, List<Mapper>> mappers) {
        return new RegionInfo(s.name(), s.path(), s.size(), s.mode(), s.owner(), s.modified(),
                s.untilLastClose() ? Lifetime.UNTIL_LAST_CLOSE : Lifetime.PERSISTENT,
                s.complete(), s.stale(), s.holders(), Platform.current().created(s),
                mappers.getOrDefault(Path.of(s.path()).toAbsolutePath().normalize().toString(), List.of()).stream()
                        .map(m -> new RegionProcess(m.pid(), m.command())).toList());
    }
}
