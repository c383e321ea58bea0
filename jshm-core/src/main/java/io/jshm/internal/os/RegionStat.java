package io.jshm.internal.os;

import java.time.Instant;
import java.util.List;

/**
 * What the platform can tell about a region without mapping it.
 *
 * @param name           the region name (for a named region) or file path
 * @param path           where the platform keeps it ({@code /dev/shm/name} on Linux)
 * @param size           size in bytes
 * @param mode           permission bits ({@code 0600}), without the lifetime marker
 * @param owner          owning user's name, or its numeric id where it has no name
 * @param modified       last modification time
 * @param untilLastClose whether it carries jshm's "remove on last close" marker
 * @param complete       false while its creator has not finished making it
 * @param stale          true when it lives until last close and no process holds it
 * @param holders        ids of the processes that hold it open through jshm
 */
public record RegionStat(String name, String path, long size, int mode, String owner, Instant modified,
                         boolean untilLastClose, boolean complete, boolean stale, List<Long> holders) {
}
