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
 */
public record SharedMemoryOptions(Lifetime lifetime, int mode, boolean prefault, Access access, Duration openTimeout,
                                  boolean foreignOwnerAllowed) {

    private static final SharedMemoryOptions DEFAULTS =
            new SharedMemoryOptions(Lifetime.UNTIL_LAST_CLOSE, 0600, false, Access.READ_WRITE, Duration.ofSeconds(2));

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

    /** Options that refuse regions of other users ({@code foreignOwnerAllowed} false). */
    public SharedMemoryOptions(Lifetime lifetime, int mode, boolean prefault, Access access, Duration openTimeout) {
        this(lifetime, mode, prefault, access, openTimeout, false);
    }

    /**
     * {@return the defaults: until last close, mode 0600, no prefault, read-write, 2 s open timeout,
     * other users' regions refused}
     */
    public static SharedMemoryOptions defaults() {
        return DEFAULTS;
    }

    /** {@return these options with another lifetime} */
    public SharedMemoryOptions withLifetime(Lifetime lifetime) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed);
    }

    /** {@return these options with other permission bits, such as {@code 0640}} */
    public SharedMemoryOptions withMode(int mode) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed);
    }

    /** {@return these options with prefaulting on or off} */
    public SharedMemoryOptions withPrefault(boolean prefault) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed);
    }

    /** {@return these options with another access} */
    public SharedMemoryOptions withAccess(Access access) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed);
    }

    /** {@return these options with another open timeout} */
    public SharedMemoryOptions withOpenTimeout(Duration openTimeout) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed);
    }

    /**
     * {@return these options allowing, or refusing, a region that belongs to another user} Allow it
     * only when that user is trusted: whoever owns a region can read and change it.
     */
    public SharedMemoryOptions withForeignOwnerAllowed(boolean foreignOwnerAllowed) {
        return new SharedMemoryOptions(lifetime, mode, prefault, access, openTimeout, foreignOwnerAllowed);
    }
}
