package io.jshm.internal.os;

/**
 * A read-only mapping of a whole region that takes no part in the region's lifetime: it holds no
 * lock, so it neither keeps the region alive nor makes its holder the last closer. Made by
 * {@link Platform#observe}; observers (listings, {@code jshm info}, {@code jshm top}) use it so
 * that looking never changes what is looked at.
 *
 * @param address the mapping's address; 0 when {@code size} is 0 (nothing is mapped)
 * @param size    the region's size when it was mapped
 */
public record Observation(long address, long size) {
}
