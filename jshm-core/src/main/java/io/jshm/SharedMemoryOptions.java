package io.jshm;

import java.time.Duration;
import java.util.Objects;

/**
 * How to create or open a region. Immutable; start from {@link #defaults()} and change what you
 * need:
 * {@snippet :
 * SharedMemoryOptions options = SharedMemoryOptions.defaults()
 *         .withLifetime(Lifetime.PERSISTENT)
 *         .withMode(0640)
 *         .withPrefault(true);
 * }
 *
 * @param lifetime    the lifetime a created region gets (opening takes the region's own)
 * @param mode        permission bits of a created region, {@code 0600} by default; the process's
 *                    umask does not change them; must include owner read ({@code 0400})
 * @param prefault    whether to populate the page tables when mapping ({@code MAP_POPULATE}), so
 *                    that first accesses do not fault
 * @param access      the access of the handle
 * @param openTimeout how long {@code open} waits for a region that another process is still
 *                    making, before it gives up
 * @param foreignOwnerAllowed whether {@code openOrCreate}, and {@code open} of a file, may use a
 *                    region that belongs to another user; false by default, so that a name taken
 *                    first by someone else (a squatter, who could read what we write) is refused
 *                    with {@link PermissionDeniedException} naming the owner
 * @param confined    whether the handle's {@link SharedMemory#segment() segment} belongs to the
 *                    thread that creates or opens the handle, as an {@link java.lang.foreign.Arena#ofConfined()
 *                    confined arena}'s do: only that thread may access it or close the handle
 *                    (others get {@link WrongThreadException}), and its close skips a shared
 *                    arena's handshake with every thread of the JVM (about 75 µs of a 4 KiB
 *                    region's create-to-unlink on a two-core machine); false by default. It
 *                    changes nothing for other processes, nor for views from {@link SharedMemory#map}
 */
public record SharedMemoryOptions(Lifetime lifetime, int mode, boolean prefault, Access access, Duration openTimeout,
                                  boolean foreignOwnerAllowed, boolean confined) {

    private static final SharedMemoryOptions DEFAULTS =
            new SharedMemoryOptions(Lifetime.UNTIL_LAST_CLOSE, 0600, false, Access.READ_WRITE, Duration.ofSeconds(2),
                    false, false);

    /**
     * @throws IllegalArgumentException if the mode has bits outside {@code 0777} or lacks owner
     *                                  read, or the timeout is negative
     */
    public SharedMemoryOptions {
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(openTimeout, "openTimeout");
        if ((mode & ~0777) != 0 || (mode & 0400) == 0) {
            throw new IllegalArgumentException("invalid mode 0" + Integer.toOctalString(mode)
                    + ": permission bits (at most 0777) that include owner read (0400)");
        }
        if (openTimeout.isNegative()) {
            throw new IllegalArgumentException("negative open timeout: " + openTimeout);
        }
    }

    /** Options whose handles may be used from any thread ({@code confined} false). */
    public SharedMemoryOptions(Lifetime lifetime, int mode, boolean prefault, Access access, Duration openTimeout,
                               boolean foreignOwnerAllowed) {
        this(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, false);
    }

    /** Options that refuse regions of other users ({@code foreignOwnerAllowed} false), for any thread. */
    public SharedMemoryOptions(Lifetime lifetime, int mode, boolean prefault, Access access, Duration openTimeout) {
        this(lifetime, mode, prefault, access, openTimeout, false, false);
    }

    /**
     * {@return the defaults: until last close, mode 0600, no prefault, read-write, 2 s open timeout,
     * other users' regions refused, usable from any thread}
     */
    public static SharedMemoryOptions defaults() {
        return DEFAULTS;
    }

    /** {@return these options with another lifetime} */
    public SharedMemoryOptions withLifetime(Lifetime lifetime) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }

    /** {@return these options with other permission bits, such as {@code 0640}} */
    public SharedMemoryOptions withMode(int mode) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }

    /** {@return these options with prefaulting on or off} */
    public SharedMemoryOptions withPrefault(boolean prefault) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }

    /** {@return these options with another access} */
    public SharedMemoryOptions withAccess(Access access) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }

    /** {@return these options with another open timeout} */
    public SharedMemoryOptions withOpenTimeout(Duration openTimeout) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }

    /**
     * {@return these options allowing, or refusing, a region that belongs to another user} Allow it
     * only when that user is trusted: whoever owns a region can read and change it.
     */
    public SharedMemoryOptions withForeignOwnerAllowed(boolean foreignOwnerAllowed) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }

    /**
     * {@return these options with the handle confined to the thread that creates or opens it, or
     * usable from any thread} Confine it when one thread creates, uses and closes the region, and
     * regions are made and closed often enough for the close to count.
     */
    public SharedMemoryOptions withConfined(boolean confined) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed, confined);
    }
}
