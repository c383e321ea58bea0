package io.jshm;

/**
 * How long a region lives.
 *
 * <p>The lifetime is a property of the region, chosen by its creator and kept by the operating
 * system outside the region's bytes (on POSIX, the sticky bit of the object's mode; see
 * {@code docs/layout.md}), so every process agrees on it. Regions that jshm did not create (by C,
 * Python, Boost) are {@link #PERSISTENT}.
 */
public enum Lifetime {
    /**
     * The region is removed when its last handle closes, as a Windows file mapping is,
     * <em>including when every process that had it open crashed</em>: the kernel drops a dead
     * process's hold, and the next {@code open} (or {@code jshm gc}) finds the region stale and
     * removes it. The default.
     */
    UNTIL_LAST_CLOSE,
    /**
     * The region stays until {@link SharedMemory#unlink(String)} removes it (or the host
     * restarts, for a region in memory). File-backed regions are persistent by default.
     */
    PERSISTENT
}
