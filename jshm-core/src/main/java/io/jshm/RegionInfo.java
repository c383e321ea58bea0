package io.jshm;

import java.time.Instant;
import java.util.List;

/**
 * What the operating system tells about a region, read without mapping or holding it: observing
 * a region never changes it. A snapshot, stale as soon as it is returned.
 *
 * @param name     the region name (as given to {@link SharedMemory#open(String)})
 * @param path     where the OS keeps it, such as {@code /dev/shm/orders}
 * @param size     size in bytes
 * @param mode     permission bits, such as {@code 0600}
 * @param owner    the owning user's name (or numeric id)
 * @param modified when its bytes or size last changed
 * @param lifetime its lifetime; {@link Lifetime#PERSISTENT} for regions jshm did not create
 * @param complete false while its creator is still making it
 * @param stale    true when it lives until last close and no process holds it any more (its
 *                 users all died): the next open, or {@code jshm gc}, removes it
 * @param holders  process ids of the jshm handles that hold it open (sorted, no repeats)
 * @param created  when it was created, where the OS records it (Linux tmpfs does); else the
 *                 same as {@code modified}
 * @param mappedBy the processes that have it mapped, jshm's or not (C, Python), sorted by pid;
 *                 processes this user may not inspect are not listed (Linux: from
 *                 {@code /proc/<pid>/maps})
 */
public record RegionInfo(String name, String path, long size, int mode, String owner, Instant modified,
                         Lifetime lifetime, boolean complete, boolean stale, List<Long> holders,
                         Instant created, List<RegionProcess> mappedBy) {

    /** Copies the lists. */
    public RegionInfo {
        holders = List.copyOf(holders);
        mappedBy = List.copyOf(mappedBy);
    }

    /** A region whose creation time and mapping processes are not known. */
    public RegionInfo(String name, String path, long size, int mode, String owner, Instant modified,
                      Lifetime lifetime, boolean complete, boolean stale, List<Long> holders) {
        this(name, path, size, mode, owner, modified, lifetime, complete, stale, holders, modified, List.of());
    }
}
