package io.jshm.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The operating-system layer: everything that differs between Linux, macOS and Windows lives
 * behind this interface, and nothing above it branches on the OS.
 *
 * <p>Errors come out as {@link OsException} with an {@link ErrorKind}; the public API turns them
 * into its own exceptions.
 */
public interface Platform {

    /** {@return the platform of this JVM} */
    static Platform current() {
        return Holder.CURRENT;
    }

    /** {@return the longest region name this platform accepts} */
    int maxNameLength();

    /** {@return the alignment of view offsets (the page size, or Windows' allocation granularity)} */
    long mapAlignment();

    /**
     * Creates a region that must not exist yet (a stale leftover of crashed users does not count)
     * and sizes it, reserving its memory so that later access cannot fault for lack of space.
     *
     * @param mode           permission bits for the new region
     * @param untilLastClose whether the region goes away when its last handle closes
     */
    NativeRegion create(Target target, long size, int mode, boolean untilLastClose, long timeoutNanos);

    /**
     * Opens an existing region. A region whose every user has died is removed and reported as
     * not found; a region still being made is waited for, up to the timeout.
     */
    NativeRegion open(Target target, boolean readOnly, long timeoutNanos);

    /**
     * Removes a region's name.
     *
     * @return false if there was no such region
     */
    boolean unlink(Target target);

    /** {@return what is known of a region, or empty if there is none} */
    Optional<RegionStat> stat(Target target);

    /** {@return every shared-memory object of the platform's namespace, jshm's or not} */
    List<RegionStat> list();

    /**
     * Maps a region read-only without holding it (no lock, no part in its lifetime), for
     * observers; the mapping lives until {@code arena} closes. Platforms that cannot do this throw
     * {@link OsException} of kind {@link ErrorKind#OTHER}.
     */
    default MemorySegment observe(Target target, Arena arena) {
        throw OsException.of(ErrorKind.OTHER, target.display(), "observing without holding is not supported here");
    }

    /**
     * {@return the processes that map each region, keyed by {@link RegionStat#path()}} Empty
     * where the platform cannot tell. Processes this user may not inspect are left out.
     */
    default Map<String, List<Mapper>> mappers() {
        return Map.of();
    }

    /** {@return when the region was created, where the platform records it; else its modification time} */
    default Instant created(RegionStat stat) {
        return stat.modified();
    }

    /**
     * Sleeps while the 32-bit word at {@code address} (in shared memory, 4-byte aligned) holds
     * {@code expected}, for at most {@code timeoutNanos}, until a {@link #wake} on the same word
     * from any process. Waiting on memory that another process maps works across processes.
     */
    WaitOutcome await(long address, int expected, long timeoutNanos);

    /** Wakes up to {@code count} waiters of the word at {@code address}, in any process. */
    void wake(long address, int count);

    /** {@return the id of this process} */
    long currentPid();

    /**
     * {@return when process {@code pid} started, in an opaque non-zero unit that differs between
     * two processes that had the same pid; 0 when no such process is running (exited, zombie)}
     */
    long processStartTime(long pid);

    /** Lazily creates the platform, so that a JVM that never uses jshm pays nothing. */
    final class Holder {
        private Holder() {
        }

        static final Platform CURRENT = select();

        private static Platform select() {
            String factory = System.getProperty("jshm.platform.factory");
            if (factory != null && !factory.isEmpty()) {
                return fromFactory(factory);
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("linux")) {
                return new LinuxPlatform();
            }
            if (os.startsWith("windows")) {
                return WindowsPlatform.system();
            }
            throw new UnsupportedOperationException("jshm does not support " + System.getProperty("os.name")
                    + " yet: Linux and Windows are supported; a macOS backend is planned");
        }

        /**
         * A backend named by {@code -Djshm.platform.factory=<class>}, a public
         * {@code Supplier<Platform>} with a public no-argument constructor: how the tests run the
         * whole library on a backend made for another OS (the Windows one, over a fake kernel32).
         */
        @SuppressWarnings("unchecked")
        private static Platform fromFactory(String className) {
            try {
                Object factory = Class.forName(className, true, Platform.class.getClassLoader())
                        .getConstructor().newInstance();
                return ((java.util.function.Supplier<Platform>) factory).get();
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("jshm.platform.factory=" + className
                        + " is not a public Supplier<Platform> with a public no-argument constructor", e);
            }
        }
    }
}
