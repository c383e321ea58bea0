package io.jshm;

/**
 * A process that has a region mapped into its memory, jshm's or any other program's (C, Python).
 * Part of {@link RegionInfo#mappedBy()}.
 *
 * @param pid     the process id
 * @param command its command name as the OS keeps it (Linux: {@code /proc/<pid>/comm}, at most
 *                15 characters, such as {@code java} or {@code python3}); {@code "?"} if unreadable
 */
public record RegionProcess(long pid, String command) {
}
