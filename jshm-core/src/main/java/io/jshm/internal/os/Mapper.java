package io.jshm.internal.os;

/**
 * A process that has a region mapped.
 *
 * @param pid     its id
 * @param command its command name (Linux: {@code /proc/<pid>/comm}), or {@code "?"} if unreadable
 */
public record Mapper(long pid, String command) {
}
